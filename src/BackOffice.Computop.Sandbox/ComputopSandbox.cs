using System.Globalization;
using System.Text.Json.Serialization;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.Computop.Sandbox;

/// <summary>Where a payment stands at Paygate (PROTOCOL.md §8).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SandboxPaymentState>))]
public enum SandboxPaymentState
{
    Authorized,
    Captured,
    Completed,
    Refunded,
    Reversed,
}

/// <summary>
/// A stateful, thread-safe stand-in for Computop Paygate's Klarna Payments after the purchase: payments in their
/// states with the amount rules of PROTOCOL.md §7, capture, credit, reverse and inquire, ReqId replay (§5), and the
/// refusals of §4. All state sits behind one lock.
/// </summary>
public sealed class ComputopSandbox(IOptionsMonitor<ComputopSandboxOptions> options)
{
    public const string CaptureTooMuch = "29990001";
    public const string CreditTooMuch = "29990002";
    public const string ReverseNotRemaining = "29990003";
    public const string NothingToRelease = "29990004";
    public const string NotAllowedInState = "29990005";
    public const string CurrencyMismatch = "29990006";
    public const string PaymentNotFound = PaygateCodes.PaymentNotFound;
    public const string DataBad = PaygateCodes.DataBad;
    public const string MacBad = PaygateCodes.MacBad;
    public const string Missing = "4010";
    public const string Format = "2011";

    private readonly Lock gate = new();
    private readonly Dictionary<string, Payment> payments = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Merchant, string ReqId), Dictionary<string, string>> finalAnswers = [];
    private readonly Dictionary<(string Merchant, string ReqId), long> answeredAt = [];
    private readonly Dictionary<string, long> lastInquiry = new(StringComparer.Ordinal);
    private readonly List<string> blindRepeats = [];
    private readonly List<SandboxExecution> executions = [];
    private long arrivals;
    private long sequence;

    /// <summary>Latency, injected failures and call counts, steered by the control API.</summary>
    public SandboxTraffic Traffic { get; } = new(() => options.CurrentValue.LatencyMs);

    public PaygateCredentials? Merchant(string? merchantId) => options.CurrentValue.Merchants.FirstOrDefault(m => m.MerchantId == merchantId) is { } m
        ? new PaygateCredentials(m.MerchantId, m.HmacKey, m.BlowfishPassword)
        : null;

    /// <summary>An authorization as the shop's checkout leaves it (the control API's stand-in for the session and order).</summary>
    public SandboxPayment Authorize(string merchantId, string transId, long amount, string currency, string? refNr = null)
    {
        if (Merchant(merchantId) is null)
            throw new ArgumentException($"No merchant {merchantId} in ComputopSandbox:Merchants.", nameof(merchantId));
        if (amount <= 0 || !options.CurrentValue.Currencies.Contains(currency))
            throw new ArgumentException("An authorization needs an amount above zero in a follow-up currency.", nameof(amount));
        lock (gate)
        {
            var payment = new Payment(NextId("PAY", 32).ToLowerInvariant(), merchantId, transId, currency, amount) { RefNr = refNr };
            payments[payment.PayId] = payment;
            return payment.View();
        }
    }

    public SandboxPayment? Find(string payId)
    {
        lock (gate)
            return payments.TryGetValue(payId, out var payment) ? payment.View() : null;
    }

    /// <summary>The invoice numbers the payment's captures made, in order.</summary>
    public IReadOnlyList<string> InvoicesOf(string payId)
    {
        lock (gate)
            return payments.TryGetValue(payId, out var payment) ? [.. payment.Invoices] : [];
    }

    /// <summary>Handles one decrypted, MAC-checked request of <paramref name="merchant"/> on <paramref name="page"/>.</summary>
    public Dictionary<string, string> Handle(string page, PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        lock (gate)
        {
            var reqId = Field(fields, "ReqId");
            var arrival = ++arrivals;
            if (page == "inquire" && Field(fields, "PayID") is { } asked)
                lastInquiry[asked] = arrival;
            if (reqId is not null && finalAnswers.TryGetValue((merchant.MerchantId, reqId), out var earlier))
            {
                // A repeat is how a client fetches a lost answer, once an inquiry told it the call was made; one sent
                // without asking first would have acted twice at a Paygate that kept no answers.
                if (lastInquiry.GetValueOrDefault(Field(fields, "PayID") ?? "") < answeredAt[(merchant.MerchantId, reqId)])
                    blindRepeats.Add($"{page} {reqId} sent again without an inquiry");
                return new Dictionary<string, string>(earlier, StringComparer.OrdinalIgnoreCase);
            }
            var answer = page switch
            {
                "capture" => Capture(merchant, fields),
                "credit" => Credit(merchant, fields),
                "reverse" => Reverse(merchant, fields),
                "KlarnaPayments" => AfterPurchase(merchant, fields),
                _ => Inquire(merchant, fields),
            };
            // A final answer is kept for its ReqId: a repeat returns it and changes nothing (PROTOCOL.md §5).
            if (reqId is not null && page != "inquire" && answer["Code"][0] is '0' or '2' or '4')
            {
                finalAnswers[(merchant.MerchantId, reqId)] = answer;
                answeredAt[(merchant.MerchantId, reqId)] = arrival;
            }
            if (page != "inquire" && answer["Code"] == PaygateCodes.Success)
                executions.Add(new SandboxExecution(page == "KlarnaPayments" ? Field(fields, "EventToken")! : page, answer["PayID"], reqId,
                    long.TryParse(Field(fields, "Amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) ? amount : 0, answer["XID"]));
            return new Dictionary<string, string>(answer, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Paygate's batch manager: carries out each record of an uploaded file as the online call would (a batch record has
    /// no ReqId) and answers the response file, each record with its status and code and a capture's new invoice.
    /// </summary>
    public string ProcessBatch(string text)
    {
        var batch = PaygateBatch.Read(text);
        var merchant = Merchant(batch.MerchantId) ?? throw new PaygateBatchException($"Paygate knows no merchant {batch.MerchantId}.");
        var results = new List<BatchResult>();
        foreach (var record in batch.Records)
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["PayID"] = record.PayId, ["TransID"] = record.TransId, ["Amount"] = record.Amount.ToString(CultureInfo.InvariantCulture), ["Currency"] = record.Currency,
            };
            if (record.RefNr is { } refNr)
                fields["RefNr"] = refNr;
            if (record.ArticleList is { } articleList)
                fields["ArticleList"] = articleList;
            var answer = Handle(record.Action.ToString().ToLowerInvariant(), merchant, fields);
            var invoice = record.Action == BatchAction.Capture ? answer.GetValueOrDefault("InvoiceNr") : record.InvoiceNumber;
            results.Add(new BatchResult(record with { InvoiceNumber = record.ArticleList is null ? null : invoice }, answer["Status"], answer["Code"]));
        }
        return PaygateBatch.WriteResponse(batch, results);
    }

    /// <summary>Money calls repeated with a ReqId whose final answer was kept, without an inquiry since: each would be a second execution.</summary>
    public IReadOnlyList<string> BlindRepeats
    {
        get
        {
            lock (gate)
                return [.. blindRepeats];
        }
    }

    /// <summary>Every call carried out, in order: what a test holds the books against, and counts double actions with.</summary>
    public IReadOnlyList<SandboxExecution> Executions
    {
        get
        {
            lock (gate)
                return [.. executions];
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            payments.Clear();
            finalAnswers.Clear();
            answeredAt.Clear();
            lastInquiry.Clear();
            blindRepeats.Clear();
            executions.Clear();
        }
    }

    /// <summary>An answer for a request that is not one (bad Data, bad MAC, unknown merchant): nothing was done.</summary>
    public static Dictionary<string, string> Refusal(string merchantId, string code, string description) =>
        new(StringComparer.OrdinalIgnoreCase) { ["mid"] = merchantId, ["Status"] = "FAILED", ["Code"] = code, ["Description"] = description };

    private Dictionary<string, string> Capture(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        if (Read(merchant, fields, out var payment, out var amount, out var refused) is false)
            return refused!;
        if (payment!.State is SandboxPaymentState.Reversed or SandboxPaymentState.Completed or SandboxPaymentState.Refunded)
            return Answer(payment, fields, "FAILED", NotAllowedInState, $"a {payment.State} payment cannot be captured");
        if (amount > payment.Remaining)
            return Answer(payment, fields, "FAILED", CaptureTooMuch, "capture exceeds the remaining authorization");
        var complete = string.Equals(Field(fields, "CompleteType"), "YES", StringComparison.OrdinalIgnoreCase);
        if (complete && amount == payment.Remaining)
            return Answer(payment, fields, "FAILED", NothingToRelease, "nothing would remain to release");
        payment.Captured += amount;
        if (complete)
            payment.Released += payment.Remaining;
        payment.Settle();
        var invoiceNumber = NextId("INV", 13);
        payment.Invoices.Add(invoiceNumber);
        return Answer(payment, fields, "OK", "00000000", "success", invoice: invoiceNumber);
    }

    private Dictionary<string, string> Credit(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        if (Read(merchant, fields, out var payment, out var amount, out var refused) is false)
            return refused!;
        if (payment!.Captured == 0)
            return Answer(payment, fields, "FAILED", NotAllowedInState, "nothing was captured");
        if (amount > payment.Captured - payment.Credited)
            return Answer(payment, fields, "FAILED", CreditTooMuch, "credit exceeds the captured amount");
        payment.Credited += amount;
        payment.Settle();
        return Answer(payment, fields, "OK", "00000000", "success", invoice: NextId("CRN", 13));
    }

    private Dictionary<string, string> Reverse(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        if (Read(merchant, fields, out var payment, out var amount, out var refused) is false)
            return refused!;
        if (payment!.Remaining == 0)
            return Answer(payment, fields, "FAILED", NothingToRelease, "nothing remains authorized");
        if (amount != payment.Remaining)
            return Answer(payment, fields, "FAILED", ReverseNotRemaining, "a reverse releases exactly the remaining authorization");
        payment.Released += amount;
        payment.Settle();
        return Answer(payment, fields, "OK", "00000000", "success");
    }

    /// <summary>The events of <c>KlarnaPayments.aspx</c> after the purchase: UEO and UMR before the first capture, RCC after one.</summary>
    private Dictionary<string, string> AfterPurchase(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        var token = Field(fields, "EventToken");
        if (Field(fields, "PayID") is not { } payId || token is null)
            return Refusal(merchant.MerchantId, Missing + "0001", "PayID and EventToken are required");
        if (!payments.TryGetValue(payId, out var payment) || payment.MerchantId != merchant.MerchantId)
            return Refusal(merchant.MerchantId, PaymentNotFound, "PAYMENT NOT FOUND");
        switch (token)
        {
            case "UEO":
                if (!long.TryParse(Field(fields, "Amount"), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || Field(fields, "ArticleList") is null)
                    return Refusal(merchant.MerchantId, Missing + "0003", "Amount and ArticleList are required");
                if (Field(fields, "Currency") != payment.Currency)
                    return Answer(payment, fields, "FAILED", CurrencyMismatch, "the currency is not the authorization's");
                if (payment.Captured > 0 || payment.Released > 0)
                    return Answer(payment, fields, "FAILED", NotAllowedInState, "the order changes only before the first capture");
                if (amount > payment.InitialAmount)
                    return Answer(payment, fields, "FAILED", CaptureTooMuch, "the new amount is above the one first authorized");
                payment.Authorized = amount;
                return Answer(payment, fields, "OK", "00000000", "success");
            case "UMR":
                if (payment.Captured > 0)
                    return Answer(payment, fields, "FAILED", NotAllowedInState, "the reference changes only before the first capture");
                payment.RefNr = Field(fields, "RefNr");
                return Answer(payment, fields, "OK", "00000000", "success");
            case "RCC":
                return Field(fields, "InvoiceNr") is { } invoice && payment.Invoices.Contains(invoice)
                    ? Answer(payment, fields, "OK", "00000000", "success")
                    : Answer(payment, fields, "FAILED", NotAllowedInState, "no capture made this invoice");
            default:
                return Refusal(merchant.MerchantId, "20160001", $"EventToken {token} is not served here");
        }
    }

    private Dictionary<string, string> Inquire(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields)
    {
        var payId = Field(fields, "PayID");
        if (payId is null || Field(fields, "TransID") is null)
            return Refusal(merchant.MerchantId, Missing + "0001", "PayID and TransID are required");
        if (!payments.TryGetValue(payId, out var payment) || payment.MerchantId != merchant.MerchantId)
            return Refusal(merchant.MerchantId, PaymentNotFound, "PAYMENT NOT FOUND");
        var answer = Answer(payment, fields, "OK", "00000000", "success");
        answer["AmountAuth"] = (payment.Authorized - payment.Released).ToString(CultureInfo.InvariantCulture);
        answer["AmountCap"] = payment.Captured.ToString(CultureInfo.InvariantCulture);
        answer["AmountCred"] = payment.Credited.ToString(CultureInfo.InvariantCulture);
        answer["LastStatus"] = payment.State.ToString().ToUpperInvariant();
        return answer;
    }

    /// <summary>The payment and amount a money request is about, or the refusal of a request that cannot be carried out.</summary>
    private bool Read(PaygateCredentials merchant, IReadOnlyDictionary<string, string> fields, out Payment? payment, out long amount, out Dictionary<string, string>? refused)
    {
        (payment, amount, refused) = (null, 0, null);
        string[] required = ["PayID", "TransID", "Amount", "Currency"];
        if (required.Select((name, i) => (name, i)).FirstOrDefault(r => Field(fields, r.name) is null) is { name: not null } missing)
        {
            refused = Refusal(merchant.MerchantId, Missing + (missing.i + 1).ToString("D4", CultureInfo.InvariantCulture), $"{missing.name} is missing");
            return false;
        }
        if (!long.TryParse(Field(fields, "Amount"), NumberStyles.None, CultureInfo.InvariantCulture, out amount) || amount <= 0 || Field(fields, "Amount")!.Length > 10)
        {
            refused = Refusal(merchant.MerchantId, Format + "0003", "Amount is not n..10 above zero");
            return false;
        }
        if (!payments.TryGetValue(Field(fields, "PayID")!, out payment) || payment.MerchantId != merchant.MerchantId)
        {
            refused = Refusal(merchant.MerchantId, PaymentNotFound, "PAYMENT NOT FOUND");
            return false;
        }
        if (!string.Equals(Field(fields, "Currency"), payment.Currency, StringComparison.Ordinal))
        {
            refused = Answer(payment, fields, "FAILED", CurrencyMismatch, "the currency is not the authorization's");
            return false;
        }
        return true;
    }

    private Dictionary<string, string> Answer(Payment payment, IReadOnlyDictionary<string, string> fields, string status, string code, string description, string? invoice = null)
    {
        var answer = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["mid"] = payment.MerchantId, ["PayID"] = payment.PayId, ["XID"] = NextId("X", 32).ToLowerInvariant(),
            ["TransID"] = Field(fields, "TransID") ?? payment.TransId, ["Status"] = status, ["Code"] = code, ["Description"] = description,
        };
        if (Field(fields, "RefNr") is { } refNr)
            answer["RefNr"] = refNr;
        if (invoice is not null)
            answer["InvoiceNr"] = invoice;
        return answer;
    }

    private string NextId(string prefix, int length) =>
        (prefix + Interlocked.Increment(ref sequence).ToString(CultureInfo.InvariantCulture).PadLeft(length - prefix.Length, '0'))[..length];

    private static string? Field(IReadOnlyDictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private sealed class Payment(string payId, string merchantId, string transId, string currency, long authorized)
    {
        public string PayId { get; } = payId;
        public string MerchantId { get; } = merchantId;
        public string TransId { get; } = transId;
        public string Currency { get; } = currency;
        public long InitialAmount { get; } = authorized;
        public long Authorized { get; set; } = authorized;
        public string? RefNr { get; set; }
        public List<string> Invoices { get; } = [];
        public long Captured { get; set; }
        public long Credited { get; set; }
        public long Released { get; set; }
        public SandboxPaymentState State { get; private set; } = SandboxPaymentState.Authorized;

        public long Remaining => Authorized - Captured - Released;

        public void Settle() => State = Captured == 0 && Released > 0 ? SandboxPaymentState.Reversed
            : Captured > 0 && Credited == Captured && Remaining == 0 ? SandboxPaymentState.Refunded
            : Remaining > 0 ? SandboxPaymentState.Authorized
            : Released > 0 ? SandboxPaymentState.Completed
            : SandboxPaymentState.Captured;

        public SandboxPayment View() => new(PayId, MerchantId, TransId, Currency, State, Authorized, Captured, Credited, Released, RefNr);
    }
}

/// <summary>A payment as the control API shows it (<c>GET _sandbox/payments/{payId}</c>).</summary>
public sealed record SandboxPayment(string PayId, string MerchantId, string TransId, string Currency, SandboxPaymentState State,
    long Authorized, long Captured, long Credited, long Released, string? RefNr = null);

/// <summary>A call the sandbox carried out (<c>GET _sandbox/executions</c>): its page or event, payment, ReqId, amount and XID.</summary>
public sealed record SandboxExecution(string Call, string PayId, string? ReqId, long Amount, string XId);
