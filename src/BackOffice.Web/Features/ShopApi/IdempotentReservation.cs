namespace BackOffice.Web.Features.ShopApi;

/// <summary>
/// The first answer to a reservation request, by channel and order number. Written before Klarna is called, so two
/// copies of one request cannot both reserve; the same request again gets the same answer.
/// </summary>
public sealed class IdempotentReservation
{
    private IdempotentReservation()
    {
    }

    public IdempotentReservation(int channelId, string orderNumber, string fingerprint, DateTimeOffset createdAt) =>
        (ChannelId, OrderNumber, Fingerprint, CreatedAt) = (channelId, orderNumber, fingerprint, createdAt);

    public long Id { get; private set; }
    public int ChannelId { get; private set; }
    public string OrderNumber { get; private set; } = "";

    /// <summary>SHA-256 of the request body as received.</summary>
    public string Fingerprint { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Null while the first request is still being handled.</summary>
    public int? Status { get; private set; }
    public string? Body { get; private set; }

    public void Answer(int status, string body) => (Status, Body) = (status, body);
}
