using BackOffice.Sandbox.Kit;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Contract;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features.Computop;

/// <summary>The provider contract against Computop Paygate's sandbox over real HTTP.</summary>
public sealed class ComputopContract : ProviderContract
{
    private readonly BackOfficeAppFactory app = new() { Settings = { ["Computop:Timeout"] = "00:00:02" } };

    protected override BackOfficeAppFactory App => app;

    protected override int FaultsHit => app.Sandbox().Traffic.FaultsHit;

    public override Task InitializeAsync()
    {
        app.UseKestrel(0);
        app.StartServer();
        return Task.CompletedTask;
    }

    protected override Task<Guid> AuthorizeAsync(string orderNumber) => app.AuthorizeAsync(orderNumber);

    protected override Task<IReadOnlyList<string>> DisagreementsAsync(Guid transactionId) => app.DisagreementsAsync(transactionId);

    protected override void FailNext(OperationKind kind, ContractFault fault)
    {
        var page = kind switch
        {
            OperationKind.Capture => "capture",
            OperationKind.Refund => "credit",
            _ => "reverse",
        };
        app.Sandbox().Traffic.Inject(fault switch
        {
            ContractFault.Refused => new SandboxInjection(page, SandboxFailure.Fault, 29990001),
            ContractFault.AnswerLost => new SandboxInjection(page, SandboxFailure.Timeout, AfterExecution: true),
            _ => new SandboxInjection(page, SandboxFailure.Timeout),
        });
    }

    protected override IReadOnlyList<string> DoubleExecutions() => app.DoubleActions();
}
