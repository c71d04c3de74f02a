using System.Globalization;
using System.Text.Json;

namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// What an operation sets besides amounts and lines: one type per meaning. The operation's row keeps it as text, in the
/// form its kind has always written (<see cref="Text"/>), so that rows written before stay readable.
/// </summary>
public abstract record OperationChange
{
    public abstract string Text { get; }

    /// <summary>The change an operation of <paramref name="kind"/> wrote as <paramref name="text"/>, or null.</summary>
    public static OperationChange? Read(OperationKind kind, string? text) => text is null ? null : kind switch
    {
        OperationKind.Capture when text == ReleaseRest.Marker => new ReleaseRest(),
        OperationKind.Capture when text.StartsWith('{') => JsonSerializer.Deserialize<Shipment>(text),
        OperationKind.ChangeOrderNumber => new NewOrderNumber(text),
        OperationKind.ChangeAddress => JsonSerializer.Deserialize<NewAddresses>(text),
        OperationKind.ExtendDueDate => new DueDateMove(int.Parse(text, CultureInfo.InvariantCulture)),
        _ => null,
    };
}

/// <summary>A part capture that releases what remains with it.</summary>
public sealed record ReleaseRest : OperationChange
{
    internal const string Marker = "release-rest";

    public override string Text => Marker;
}

/// <summary>How a capture's goods were shipped, sent with it: the carrier (as specific as "DHL DE") and the tracking number.</summary>
public sealed record Shipment(string Carrier, string TrackingNumber) : OperationChange
{
    public const int MaxLength = 100;

    public override string Text => JsonSerializer.Serialize(new { Carrier, TrackingNumber });

    /// <summary>Why the shipment cannot be sent: nothing given, too long, or control characters. Null when it can.</summary>
    public Message? Error() =>
        Carrier.Trim().Length == 0 && TrackingNumber.Trim().Length == 0 ? new Message("Give the carrier or the tracking number.")
        : Carrier.Trim().Length > MaxLength || TrackingNumber.Trim().Length > MaxLength ? new Message("A carrier and a tracking number have at most {0} characters each.", MaxLength)
        : (Carrier + TrackingNumber).Any(char.IsControl) ? new Message("A carrier or a tracking number is one line of text.")
        : null;
}

public sealed record NewOrderNumber(string OrderNumber) : OperationChange
{
    public override string Text => OrderNumber;
}

/// <summary>The addresses an address change sets, kept so that a reconciliation can apply them.</summary>
public sealed record NewAddresses(TransactionAddress Billing, TransactionAddress Shipping) : OperationChange
{
    public override string Text => JsonSerializer.Serialize(new { Billing, Shipping });
}

/// <summary>How many days an invoice's due date moves by.</summary>
public sealed record DueDateMove(int Days) : OperationChange
{
    public override string Text => Days.ToString(CultureInfo.InvariantCulture);
}
