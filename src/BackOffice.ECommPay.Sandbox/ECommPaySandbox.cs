using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.ECommPay.Sandbox;

/// <summary>An answer of the Gate: its HTTP status and JSON body (a refusal is <c>{"status":"error","code","message"}</c>).</summary>
public sealed record GateAnswer(int Status, JsonObject Body)
{
    public static GateAnswer Error(string code, string message) => new(400, new JsonObject { ["status"] = "error", ["code"] = code, ["message"] = message });
}

/// <summary>
/// ECommPay's Gate for Klarna (Sofort), in memory: projects from configuration, purchases made on the payment page or
/// by a Gate sale, refunds decided after a delay with ECommPay's refusals (PROTOCOL.md §3, §7), status answers and
/// signed callbacks. Ids count up and times come from the <see cref="TimeProvider"/>, so a run can be repeated.
/// </summary>
public sealed class ECommPaySandbox(IOptions<ECommPaySandboxOptions> options, ECommPayCallbacks callbacks, TimeProvider time)
{
    public const long ProviderId = 1169;
    public static readonly string[] Currencies = ["EUR", "GBP", "PLN"];
    public const long MinimumAmount = 100;
    public const long MaximumAmount = 500_000;

    private readonly Lock gate = new();
    private readonly Dictionary<(long, string), SandboxPayment> payments = [];
    private long nextOperation = 14_153_000_003_281;
    private long nextRequest = 1;

    public SandboxTraffic Traffic { get; } = new(() => options.Value.LatencyMs);

    public ECommPaySandboxProject? Project(long projectId) => options.Value.Projects.FirstOrDefault(p => p.ProjectId == projectId);

    public SandboxPayment? Payment(long projectId, string paymentId)
    {
        lock (gate)
            return payments.GetValueOrDefault((projectId, paymentId));
    }

    public IReadOnlyList<SandboxPayment> Payments(string paymentId)
    {
        lock (gate)
            return [.. payments.Values.Where(p => p.Id == paymentId)];
    }

    /// <summary>
    /// A purchase the customer finished on the payment page (or a test made directly): <c>success</c>, or
    /// <c>decline</c> (20000) when asked to or outside 1.00–5,000.00; its callback follows. Null when the id is taken.
    /// </summary>
    public SandboxPayment? Purchase(ECommPaySandboxProject project, string paymentId, long amount, string currency, string customerId, string description, string? callbackUrl, bool approve)
    {
        lock (gate)
        {
            if (payments.ContainsKey((project.ProjectId, paymentId)))
                return null;
            var payment = Start(project, paymentId, amount, currency, customerId, description, callbackUrl);
            Decide(payment, approve && amount is >= MinimumAmount and <= MaximumAmount);
            Notify(project, payment, payment.Sale);
            return payment;
        }
    }

    /// <summary>A Gate sale: the purchase waits at the customer's bank (a callback with <c>redirect_data</c> says where) until <see cref="Complete"/>.</summary>
    public GateAnswer Sale(ECommPaySandboxProject project, JsonElement request, Uri redirectBase)
    {
        var paymentId = Text(request, "general", "payment_id");
        var amount = Number(request, "payment", "amount");
        var currency = Text(request, "payment", "currency")?.ToUpperInvariant();
        if (paymentId is not { Length: > 0 } || amount is not > 0 || currency is null || !Currencies.Contains(currency))
            return GateAnswer.Error("3286", "payment_id, amount and a currency of EUR, GBP or PLN are required");
        lock (gate)
        {
            if (payments.ContainsKey((project.ProjectId, paymentId)))
                return GateAnswer.Error("2003", $"Payment {paymentId} exists already");
            var payment = Start(project, paymentId, amount.Value, currency, Text(request, "customer", "id") ?? "", Text(request, "payment", "description") ?? "",
                Text(request, "general", "merchant_callback_url"));
            payment.Sale.Status = "awaiting redirect result";
            var redirect = new Uri(redirectBase, $"payment/redirect/{project.ProjectId}/{Uri.EscapeDataString(paymentId)}").ToString();
            Notify(project, payment, payment.Sale, new JsonObject { ["url"] = redirect, ["method"] = "GET", ["body"] = new JsonArray() });
            return new GateAnswer(200, Accepted(project, paymentId, payment.Sale.RequestId));
        }
    }

    /// <summary>The customer came back from the bank of a Gate sale: it ends as chosen. False when there is no such purchase waiting.</summary>
    public bool Complete(long projectId, string paymentId, bool approve)
    {
        lock (gate)
        {
            if (!payments.TryGetValue((projectId, paymentId), out var payment) || payment.Status != "processing" || Project(projectId) is not { } project)
                return false;
            Decide(payment, approve && payment.Amount is >= MinimumAmount and <= MaximumAmount);
            Notify(project, payment, payment.Sale);
            return true;
        }
    }

    /// <summary>
    /// A refund request, checked in ECommPay's order; accepted it answers a request id, and its callback comes after
    /// <see cref="ECommPaySandboxOptions.RefundDelayMs"/>: success, or 3283 when more would be refunded than was paid.
    /// </summary>
    public GateAnswer Refund(ECommPaySandboxProject project, JsonElement request)
    {
        var paymentId = Text(request, "general", "payment_id");
        var refundId = Text(request, "payment", "merchant_refund_id");
        if (Text(request, "customer", "ip_address") is not { Length: > 0 })
            return GateAnswer.Error("2004", "customer.ip_address is required");
        if (Text(request, "payment", "description") is not { Length: > 0 })
            return GateAnswer.Error("3287", "payment.description is required");
        var amount = Number(request, "payment", "amount");
        var currency = Text(request, "payment", "currency");
        if (amount is not null && (amount < 1 || currency is null) || amount is null && currency is not null)
            return GateAnswer.Error("3286", "A partial refund names an amount of at least 1 and its currency");
        lock (gate)
        {
            if (paymentId is null || !payments.TryGetValue((project.ProjectId, paymentId), out var payment))
                return GateAnswer.Error("3061", $"Payment {paymentId} not found");
            if (currency is not null && !currency.Equals(payment.Currency, StringComparison.OrdinalIgnoreCase))
                return GateAnswer.Error("3284", "The refund's currency is not the payment's");
            if (!payment.IsPaid || payment.Status == "refunded")
                return GateAnswer.Error("3060", $"The payment's status {payment.Status} does not allow a refund");
            if (refundId is not null && payment.Operations.Any(o => o.MerchantRefundId == refundId))
                return GateAnswer.Error("3230", $"A refund with merchant_refund_id {refundId} exists already");
            var left = payment.Amount - payment.RefundedAmount - payment.PendingRefunds;
            var asked = amount ?? left;
            var now = time.GetUtcNow();
            var refund = new SandboxOperation
            {
                Id = nextOperation++, Type = "refund", RequestId = RequestId(), MerchantRefundId = refundId, Amount = asked, Currency = payment.Currency,
                CreatedAt = now, Date = now, WillSucceed = asked >= 1 && asked <= left,
            };
            payment.Operations.Add(refund);
            var callbackUrl = Text(request, "general", "merchant_callback_url") ?? payment.CallbackUrl;
            _ = DecideRefundLaterAsync(project, payment, refund, callbackUrl);
            return new GateAnswer(200, Accepted(project, paymentId, refund.RequestId));
        }
    }

    /// <summary>A payment with all its operations, signed (<c>/v2/payment/status</c>).</summary>
    public GateAnswer Status(ECommPaySandboxProject project, JsonElement request)
    {
        lock (gate)
        {
            if (Text(request, "general", "payment_id") is not { } paymentId || !payments.TryGetValue((project.ProjectId, paymentId), out var payment))
                return GateAnswer.Error("3061", "Payment not found");
            var body = new JsonObject
            {
                ["project_id"] = project.ProjectId,
                ["payment"] = PaymentJson(payment, payment.Status),
                ["operations"] = new JsonArray([.. payment.Operations.Select(o => (JsonNode)OperationJson(o))]),
                ["errors"] = new JsonArray(),
            };
            body["signature"] = ECommPaySignature.Sign(JsonSerializer.SerializeToElement(body), project.SecretKey);
            return new GateAnswer(200, body);
        }
    }

    public void Reset()
    {
        lock (gate)
            payments.Clear();
        callbacks.Reset();
        Traffic.Reset();
    }

    private SandboxPayment Start(ECommPaySandboxProject project, string paymentId, long amount, string currency, string customerId, string description, string? callbackUrl)
    {
        var now = time.GetUtcNow();
        var payment = new SandboxPayment
        {
            ProjectId = project.ProjectId, Id = paymentId, Amount = amount, Currency = currency.ToUpperInvariant(), CustomerId = customerId, Description = description,
            CallbackUrl = callbackUrl ?? project.CallbackUrl, Date = now,
        };
        payment.Operations.Add(new SandboxOperation { Id = nextOperation++, Type = "sale", RequestId = RequestId(), Amount = amount, Currency = payment.Currency, CreatedAt = now, Date = now });
        payments[(project.ProjectId, paymentId)] = payment;
        return payment;
    }

    private void Decide(SandboxPayment payment, bool approve)
    {
        var now = time.GetUtcNow();
        payment.Status = approve ? "success" : "decline";
        (payment.Sale.Status, payment.Sale.Code, payment.Sale.Message, payment.Sale.Date, payment.Date) =
            approve ? ("success", "0", "Success", now, now) : ("decline", "20000", "General decline", now, now);
    }

    private async Task DecideRefundLaterAsync(ECommPaySandboxProject project, SandboxPayment payment, SandboxOperation refund, string? callbackUrl)
    {
        await Task.Yield();
        await Task.Delay(TimeSpan.FromMilliseconds(options.Value.RefundDelayMs), time);
        lock (gate)
        {
            var now = time.GetUtcNow();
            (refund.Status, refund.Code, refund.Message, refund.Date) = refund.WillSucceed
                ? ("success", "0", "Success", now)
                : ("decline", "3283", "Refund amount more than init amount", now);
            if (refund.WillSucceed)
                payment.Status = payment.RefundedAmount == payment.Amount ? "refunded" : "partially refunded";
            // A declined refund's callback says decline for the payment, as ECommPay's does (S:L551-593); the purchase itself stays paid.
            Notify(project, payment, refund, paymentStatus: refund.WillSucceed ? payment.Status : "decline", callbackUrl: callbackUrl);
        }
    }

    private void Notify(ECommPaySandboxProject project, SandboxPayment payment, SandboxOperation operation, JsonObject? redirect = null, string? paymentStatus = null, string? callbackUrl = null)
    {
        if ((callbackUrl ?? payment.CallbackUrl) is not { Length: > 0 } url)
            return;
        var body = new JsonObject
        {
            ["project_id"] = project.ProjectId,
            ["payment"] = PaymentJson(payment, paymentStatus ?? payment.Status),
            ["account"] = new JsonObject { ["number"] = "DE89370400440532013000" },
            ["customer"] = new JsonObject { ["id"] = payment.CustomerId },
            ["operation"] = OperationJson(operation),
        };
        if (redirect is not null)
            body["redirect_data"] = redirect;
        body["signature"] = ECommPaySignature.Sign(JsonSerializer.SerializeToElement(body), project.SecretKey);
        callbacks.Send(url, payment.Id, operation.Id, operation.Status, body.ToJsonString());
    }

    private static JsonObject PaymentJson(SandboxPayment payment, string status) => new()
    {
        ["id"] = payment.Id, ["type"] = "purchase", ["status"] = status, ["date"] = Date(payment.Date), ["method"] = "sofort",
        ["sum"] = new JsonObject { ["amount"] = payment.Amount, ["currency"] = payment.Currency }, ["description"] = payment.Description,
    };

    private static JsonObject OperationJson(SandboxOperation operation)
    {
        var json = new JsonObject
        {
            ["id"] = operation.Id, ["type"] = operation.Type, ["status"] = operation.Status, ["date"] = Date(operation.Date), ["created_date"] = Date(operation.CreatedAt),
            ["request_id"] = operation.RequestId,
            ["sum_initial"] = new JsonObject { ["amount"] = operation.Amount, ["currency"] = operation.Currency },
            ["sum_converted"] = new JsonObject { ["amount"] = operation.Amount, ["currency"] = operation.Currency },
            ["provider"] = new JsonObject { ["id"] = ProviderId, ["payment_id"] = (105_887_000 + operation.Id % 1000).ToString(CultureInfo.InvariantCulture), ["date"] = Date(operation.Date), ["auth_code"] = "" },
            ["code"] = operation.Code, ["message"] = operation.Message,
        };
        if (operation.MerchantRefundId is not null)
            json["merchant_refund_id"] = operation.MerchantRefundId;
        return json;
    }

    private static JsonObject Accepted(ECommPaySandboxProject project, string paymentId, string requestId) =>
        new() { ["status"] = "success", ["request_id"] = requestId, ["project_id"] = project.ProjectId, ["payment_id"] = paymentId };

    private string RequestId() => (nextRequest++).ToString("x42", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement root, string section, string name) =>
        root.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    private static long? Number(JsonElement root, string section, string name) =>
        long.TryParse(Text(root, section, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
