namespace BackOffice.Klarna;

/// <summary>
/// Klarna's legacy XML-RPC API, one method per call. Calls that move money or change a reservation are sent once:
/// when their outcome cannot be known they throw <see cref="KlarnaOutcomeUnknownException"/>. Read calls are retried
/// a bounded number of times and then throw <see cref="KlarnaUnavailableException"/>. A refusal is a
/// <see cref="KlarnaFaultException"/>.
/// </summary>
public interface IKlarnaGateway
{
    Task<ReservationResult> ReserveAmountAsync(KlarnaCredentials merchant, ReserveAmountRequest request, CancellationToken cancellationToken = default);

    Task<ActivationResult> ActivateAsync(KlarnaCredentials merchant, string reservationNumber, ActivateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Splits <paramref name="amount"/> off into a new reservation (to activate it: an amount-based part capture).</summary>
    Task<ReservationResult> SplitReservationAsync(KlarnaCredentials merchant, string reservationNumber, long amount, string orderId1 = "", string orderId2 = "", CancellationToken cancellationToken = default);

    /// <summary>Sets the reservation's total to <paramref name="newAmount"/> (NEW_AMOUNT).</summary>
    Task ChangeReservationAsync(KlarnaCredentials merchant, string reservationNumber, long newAmount, CancellationToken cancellationToken = default);

    Task CancelReservationAsync(KlarnaCredentials merchant, string reservationNumber, CancellationToken cancellationToken = default);

    Task<string> CreditInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, string creditNumber = "", CancellationToken cancellationToken = default);

    Task<string> CreditPartAsync(KlarnaCredentials merchant, string invoiceNumber, IReadOnlyList<ArticleQuantity> articles, string creditNumber = "", CancellationToken cancellationToken = default);

    /// <summary>Refunds <paramref name="amount"/> (minor units, VAT included) on an invoice.</summary>
    Task<string> ReturnAmountAsync(KlarnaCredentials merchant, string invoiceNumber, long amount, decimal vatPercent, string description = "", CancellationToken cancellationToken = default);

    Task<OrderStatus> CheckOrderStatusAsync(KlarnaCredentials merchant, string id, OrderIdType type = OrderIdType.ReservationOrInvoiceNumber, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PClass>> GetPClassesAsync(KlarnaCredentials merchant, KlarnaCountry country, KlarnaCurrency currency, KlarnaLanguage language, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RegisteredAddress>> GetAddressesAsync(KlarnaCredentials merchant, string personalNumber, PnoEncoding encoding = PnoEncoding.SE, AddressLookupType type = AddressLookupType.Given, string clientIp = "", CancellationToken cancellationToken = default);

    Task<string> EmailInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, CancellationToken cancellationToken = default);

    Task<string> SendInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, CancellationToken cancellationToken = default);

    Task<DateTimeOffset> ExtendExpiryDateAsync(KlarnaCredentials merchant, string reservationNumber, CancellationToken cancellationToken = default);

    /// <summary>
    /// update: changes a reservation before capture — the addresses given, the goods (their total becomes the reserved
    /// amount, never more than it) and the order ids given. What is left empty stays as it is.
    /// </summary>
    Task UpdateReservationAsync(KlarnaCredentials merchant, string reservationNumber, ReservationUpdate update, CancellationToken cancellationToken = default);

    /// <summary>update_orderno: the order number of a captured purchase, by its invoice.</summary>
    Task<string> UpdateOrderNumberAsync(KlarnaCredentials merchant, string invoiceNumber, string orderId, CancellationToken cancellationToken = default);

    /// <summary>extend_invoice_due_date: moves an invoice's due date by <paramref name="days"/>; with <paramref name="calculateOnly"/> only quotes it.</summary>
    Task<DueDateExtension> ExtendInvoiceDueDateAsync(KlarnaCredentials merchant, string invoiceNumber, int days, bool calculateOnly = false, CancellationToken cancellationToken = default);

    /// <summary>has_account: whether the person has a Klarna part-payment account.</summary>
    Task<bool> HasAccountAsync(KlarnaCredentials merchant, string personalNumber, PnoEncoding encoding, CancellationToken cancellationToken = default);

    /// <summary><c>GET /version</c>: the connectivity test.</summary>
    Task<string> PingAsync(KlarnaEnvironment environment, CancellationToken cancellationToken = default);
}
