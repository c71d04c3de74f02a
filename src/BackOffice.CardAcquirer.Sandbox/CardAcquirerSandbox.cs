using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.CardAcquirer.Sandbox;

/// <summary>
/// A card acquirer as a merchant's back office sees it: payments authorized on a card (asking the card's issuer when
/// one runs in the same process, else taking any valid test card), captured, refunded and voided within what is left,
/// found again by the merchant's reference. State lives in memory on the sandbox's clock; README.md says the rules.
/// </summary>
public sealed class CardAcquirerSandbox(IOptions<CardAcquirerSandboxOptions> options, IEnumerable<ICardIssuer> issuers, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SandboxCardPayment> payments = [];
    private readonly Queue<string> declines = new();

    public SandboxTraffic Traffic { get; } = new(() => options.Value.LatencyMs);

    /// <summary>The acquirer's own store: when sandboxes share a process, another's keys must not answer its calls.</summary>
    public SandboxIdempotency Idempotency { get; } = new(time);

    public CardAcquirerSandboxMerchant? Authenticate(string apiKey) =>
        options.Value.Merchants.FirstOrDefault(m => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(m.ApiKey), Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>Every payment, the card by brand and last four digits only.</summary>
    public IReadOnlyList<AcquirerPayment> Payments
    {
        get
        {
            lock (gate)
                return [.. payments.Values.OrderBy(p => p.CreatedAt).Select(p => p.View())];
        }
    }

    /// <summary>The next <paramref name="count"/> authorizations are declined with <paramref name="code"/>, whatever the card.</summary>
    public void DeclineNext(string code, int count)
    {
        lock (gate)
        {
            for (var i = 0; i < count; i++)
                declines.Enqueue(code);
        }
    }

    public AcquirerReply Authorize(CardAcquirerSandboxMerchant merchant, PaymentRequest request)
    {
        if (Invalid(request) is { } field)
            return AcquirerReply.Error(400, "invalid_request", $"Invalid {field}.");
        var card = request.Card!;
        lock (gate)
        {
            var decision = declines.TryDequeue(out var forced) ? new IssuerDecision(forced) : Issue(card, request.Amount, request.Currency!);
            var payment = new SandboxCardPayment
            {
                Id = "pay_" + RandomNumberGenerator.GetHexString(24, lowercase: true), Merchant = merchant, Reference = request.Reference!, Currency = request.Currency!,
                Number = card.Number!, ExpiryMonth = card.ExpiryMonth, ExpiryYear = card.ExpiryYear, Amount = decision.IsApproved ? request.Amount : 0,
                DeclineCode = decision.DeclineCode, CreatedAt = time.GetUtcNow(),
            };
            payments[payment.Id] = payment;
            return new AcquirerReply(decision.IsApproved ? 201 : 402, payment.View());
        }
    }

    public AcquirerReply Capture(CardAcquirerSandboxMerchant merchant, string paymentId, long amount) => WithPayment(merchant, paymentId, payment =>
    {
        if (payment.DeclineCode is not null || payment.Voided)
            return AcquirerReply.Error(422, "invalid_state", $"Payment {payment.Id} is {payment.View().Status.ToString().ToLowerInvariant()}.");
        if (amount < 1 || payment.Captured + amount > payment.Amount)
            return AcquirerReply.Error(422, "amount_too_large", $"At most {payment.Amount - payment.Captured} can be captured.");
        payment.Captured += amount;
        return AcquirerReply.Ok(payment.View());
    });

    public AcquirerReply Refund(CardAcquirerSandboxMerchant merchant, string paymentId, long amount) => WithPayment(merchant, paymentId, payment =>
    {
        if (amount < 1 || payment.Refunded + amount > payment.Captured)
            return AcquirerReply.Error(422, "amount_too_large", $"At most {payment.Captured - payment.Refunded} can be refunded.");
        payment.Refunded += amount;
        return AcquirerReply.Ok(payment.View());
    });

    public AcquirerReply Void(CardAcquirerSandboxMerchant merchant, string paymentId) => WithPayment(merchant, paymentId, payment =>
    {
        if (payment.DeclineCode is not null || payment.Captured > 0)
            return AcquirerReply.Error(422, "invalid_state", $"Payment {payment.Id} has captures or was declined; refund instead.");
        if (!payment.Voided)
        {
            payment.Voided = true;
            foreach (var issuer in issuers)
                issuer.Reverse(payment.Number, payment.Amount);
        }
        return AcquirerReply.Ok(payment.View());
    });

    public AcquirerReply Get(CardAcquirerSandboxMerchant merchant, string paymentId) => WithPayment(merchant, paymentId, payment => AcquirerReply.Ok(payment.View()));

    public AcquirerReply Find(CardAcquirerSandboxMerchant merchant, string reference)
    {
        lock (gate)
            return AcquirerReply.Ok(new AcquirerPaymentList([.. payments.Values.Where(p => p.Merchant == merchant && p.Reference == reference)
                .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Sequence).Select(p => p.View())]));
    }

    public void Reset()
    {
        lock (gate)
        {
            payments.Clear();
            declines.Clear();
        }
    }

    private AcquirerReply WithPayment(CardAcquirerSandboxMerchant merchant, string paymentId, Func<SandboxCardPayment, AcquirerReply> act)
    {
        lock (gate)
            return payments.TryGetValue(paymentId, out var payment) && payment.Merchant == merchant
                ? act(payment)
                : AcquirerReply.Error(404, "not_found", $"No payment {paymentId}.");
    }

    /// <summary>The card's issuer decides when it runs here; any other card is a test card, taken when it is valid.</summary>
    private IssuerDecision Issue(PaymentCard card, long amount, string currency)
    {
        foreach (var issuer in issuers)
        {
            if (issuer.Authorize(card.Number!, card.ExpiryMonth, card.ExpiryYear, card.Cvc!, amount, currency) is { } decision)
                return decision;
        }
        if (!Luhn.IsValid(card.Number!))
            return new IssuerDecision("invalid_number");
        var now = time.GetUtcNow();
        return card.ExpiryYear < now.Year || card.ExpiryYear == now.Year && card.ExpiryMonth < now.Month ? new IssuerDecision("expired_card") : IssuerDecision.Approved;
    }

    private static string? Invalid(PaymentRequest request)
    {
        if (request.Reference is not { Length: >= 1 and <= 100 })
            return "reference";
        if (request.Amount < 1)
            return "amount";
        if (request.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
            return "currency";
        if (request.Card is not { } card)
            return "card";
        if (card.Number is not { Length: >= 12 and <= 19 } number || !number.All(char.IsAsciiDigit))
            return "card.number";
        if (card.Cvc is not { Length: 3 or 4 } cvc || !cvc.All(char.IsAsciiDigit))
            return "card.cvc";
        if (card.ExpiryMonth is < 1 or > 12)
            return "card.expiry_month";
        return card.ExpiryYear is < 2000 or > 2099 ? "card.expiry_year" : null;
    }

    private sealed class SandboxCardPayment
    {
        private static long sequences;

        public required string Id { get; init; }
        public required CardAcquirerSandboxMerchant Merchant { get; init; }
        public required string Reference { get; init; }
        public required string Currency { get; init; }
        public required string Number { get; init; }
        public required int ExpiryMonth { get; init; }
        public required int ExpiryYear { get; init; }
        public required long Amount { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public long Sequence { get; } = Interlocked.Increment(ref sequences);
        public string? DeclineCode { get; init; }
        public long Captured { get; set; }
        public long Refunded { get; set; }
        public bool Voided { get; set; }

        public AcquirerPayment View() => new(Id, Reference, Status, Currency, Amount, Captured, Refunded, Brand, Number[^4..], ExpiryMonth, ExpiryYear, DeclineCode);

        private AcquirerPaymentStatus Status =>
            DeclineCode is not null ? AcquirerPaymentStatus.Declined
            : Voided ? AcquirerPaymentStatus.Voided
            : Captured == 0 ? AcquirerPaymentStatus.Authorized
            : Refunded == Captured ? AcquirerPaymentStatus.Refunded
            : AcquirerPaymentStatus.Captured;

        private string Brand => Number[0] switch
        {
            '4' => "VISA",
            '5' or '2' => "MASTERCARD",
            '3' => "AMEX",
            _ => "CARD",
        };
    }
}

public sealed record PaymentCard(string? Number, int ExpiryMonth, int ExpiryYear, string? Cvc, string? HolderName);

public sealed record PaymentRequest(string? Reference, long Amount, string? Currency, PaymentCard? Card);

/// <summary>What the sandbox answers: a status and a payment, a list or <c>{"error": {"code", "message"}}</c>.</summary>
public sealed record AcquirerReply(int Status, object Body)
{
    public static AcquirerReply Ok(object body) => new(200, body);

    public static AcquirerReply Error(int status, string code, string message) => new(status, new { error = new AcquirerError(code, message) });
}
