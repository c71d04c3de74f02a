using BackOffice.KlarnaRest;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Features.KlarnaRest;

/// <summary>The recurring charges' contract against Klarna's customer tokens (the sandbox over real HTTP).</summary>
public sealed class KlarnaRestSubscriptionContract : SubscriptionChargesContract
{
    private static readonly int[] RefusalStatuses = [403, 400];

    private readonly BackOfficeAppFactory app;

    public KlarnaRestSubscriptionContract(ITestOutputHelper output) : base(output) =>
        app = new BackOfficeAppFactory { Clock = Clock, Settings = { ["KlarnaRest:Timeout"] = "00:00:02" } };

    protected override BackOfficeAppFactory App => app;

    protected override string Name => "Klarna Payments (direct)";

    protected override int FaultsHit => app.KlarnaRestSandbox().Traffic.FaultsHit;

    public override Task InitializeAsync() => app.StartWithKlarnaRestAsync();

    protected override Task<string> TokenAsync(PlanOffer sold) => app.CustomerTokenAsync(sold);

    protected override void FailNextCharge(ContractFault fault, int variant) =>
        app.KlarnaRestSandbox().Traffic.Inject(ProviderContract.Injection("token-order", fault, variant, RefusalStatuses[variant % RefusalStatuses.Length]));

    protected override void DeclineNext(string token, int times) =>
        app.KlarnaRestSandbox().SteerToken(token, null, [.. Enumerable.Repeat(KlarnaTokenErrors.PaymentMethodFailed, times)]);

    protected override void Suspend(string token) => app.KlarnaRestSandbox().SteerToken(token, KlarnaTokenStatus.Suspended, null);

    protected override void ClearFailures() => app.KlarnaRestSandbox().Traffic.ClearInjections();

    protected override string? PlacedOrder(string idempotencyKey) =>
        app.KlarnaRestSandbox().Executions.SingleOrDefault(e => e.Operation == "token-order" && e.IdempotencyKey == idempotencyKey)?.OrderId;

    protected override IReadOnlyList<ProviderTokenCharge> Carried(IReadOnlyCollection<string> tokens)
    {
        var klarna = app.KlarnaRestSandbox();
        return [.. klarna.Executions.Where(e => e.Operation == "token-order" && e.Result is not null && tokens.Contains(e.Result)).Select(e =>
        {
            var order = klarna.Order(e.OrderId)!;
            return new ProviderTokenCharge(e.Result!, e.IdempotencyKey, e.OrderId, order.OrderAmount, order.CapturedAmount);
        })];
    }
}
