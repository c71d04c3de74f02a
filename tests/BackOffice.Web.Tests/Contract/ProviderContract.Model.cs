using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Contract;

/// <summary>
/// The money invariant under faults and concurrency, model-based and the same for every provider: CsCheck generates
/// random sequences of the money actions the provider's capabilities allow, on random transactions by 2–4 users acting
/// at once, each action possibly meeting a failure injected into the call it makes (refused, or carried out or not
/// with the answer lost). What is unknown is reconciled as the provider allows. After each sequence every transaction's
/// books equal the provider's, nothing was carried out twice, and what the provider carried out is what the journal
/// says succeeded. CI runs a fixed seed and one random seed (printed); <c>scripts/fault-run.sh</c> runs thousands.
/// </summary>
public abstract partial class ProviderContract
{
    private const int TransactionsPerSequence = 6;
    private static readonly string[] Articles = ["A1", "B2", "C3"];

    /// <summary>The provider's name in the fault run's report.</summary>
    protected abstract string Name { get; }

    private sealed record Failure(ContractFault Fault, int Variant);

    private sealed record Step(int User, int Transaction, ContractCommand Command, double Fraction, int Article, int Quantity, int Invoice, Failure? Failure);

    private sealed class Tally
    {
        public int Sequences;
        public int Operations;
        public int Succeeded;
        public int Failed;
        public int Unknown;
        public int Refused;
        public int Faults;
        public int DoubleActions;
        public int Disagreements;
        public List<string> Problems { get; } = [];

        public string Summary(int hit) =>
            $"sequences: {Sequences}; operations: {Operations} ({Succeeded} succeeded, {Failed} failed, {Unknown} unknown then reconciled, {Refused} refused or nothing to do); " +
            $"faults injected: {Faults}, hit: {hit}; double actions: {DoubleActions}; disagreements: {Disagreements}";
    }

    private static readonly Gen<Failure?> Failures = Gen.Frequency(
        (20, Gen.Const((Failure?)null)),
        (2, Gen.Int[0, 5].Select(v => (Failure?)new Failure(ContractFault.Refused, v))),
        (3, Gen.Int[0, 5].Select(v => (Failure?)new Failure(ContractFault.AnswerLost, v))),
        (3, Gen.Int[0, 5].Select(v => (Failure?)new Failure(ContractFault.RequestLost, v))));

    private static readonly (int Weight, ContractCommand Command, Capabilities Needs)[] Weights =
    [
        (4, ContractCommand.CaptureWhole, Capabilities.CaptureWhole), (4, ContractCommand.CaptureAmount, Capabilities.CaptureAmount),
        (4, ContractCommand.CaptureLines, Capabilities.CaptureLines), (2, ContractCommand.CaptureFinal, Capabilities.FinalCapture),
        (2, ContractCommand.EditLines, Capabilities.EditLines), (3, ContractCommand.RefundWhole, 0), (3, ContractCommand.RefundAmount, Capabilities.RefundAmount),
        (3, ContractCommand.RefundLines, Capabilities.RefundLines), (2, ContractCommand.Cancel, Capabilities.Cancel),
        (2, ContractCommand.Extend, Capabilities.ExtendExpiry), (3, ContractCommand.Reconcile, 0),
        (2, ContractCommand.BulkCapture, Capabilities.CaptureWhole), (1, ContractCommand.BulkCancel, Capabilities.Cancel),
    ];

    /// <summary>The steps of one sequence, of the commands the provider can do.</summary>
    private static Gen<(int Users, Step[] Steps)> Scenario(Capabilities capabilities, int steps)
    {
        var commands = Gen.Frequency([.. Weights.Where(w => (capabilities & w.Needs) == w.Needs).Select(w => (w.Weight, Gen.Const(w.Command)))]);
        var step = Gen.Select(Gen.Int[0, 3], Gen.Int[0, TransactionsPerSequence - 1], commands, Gen.Double[0.05, 0.95], Gen.Int[0, Articles.Length - 1], Gen.Int[1, 3], Gen.Int[0, 3], Failures,
            (user, transaction, command, fraction, article, quantity, invoice, failure) => new Step(user, transaction, command, fraction, article, quantity, invoice, failure));
        return Gen.Select(Gen.Int[2, 4], step.Array[steps], (users, all) => (users, all));
    }

    [Fact]
    public async Task A_fixed_seed_of_money_actions_under_faults_keeps_the_books_equal_with_no_double_action()
    {
        var tally = await RunAsync(seed: 20261125, sequences: 2, stepsPerSequence: 30);

        AssertClean(tally);
    }

    [Fact]
    public async Task A_random_seed_of_money_actions_under_faults_keeps_the_books_equal_with_no_double_action()
    {
        var seed = FaultRun.Seed();
        output.WriteLine($"{Name}: model-based fault test seed {seed} (replay with FAULT_RUN_SEED={seed}).");

        var tally = await RunAsync(seed, FaultRun.Sequences(), FaultRun.StepsPerSequence);

        output.WriteLine($"seed {seed}: {tally.Summary(FaultsHit)}");
        await FaultRun.ReportAsync([Name, $"seed: {seed}", .. tally.Summary(FaultsHit).Split("; "), .. tally.Problems, ""]);
        AssertClean(tally);
    }

    /// <summary>Clean, and with power: some actions succeeded and some injected faults were met.</summary>
    private void AssertClean(Tally tally)
    {
        Assert.True(tally.Problems.Count == 0, string.Join(Environment.NewLine, tally.Problems.Take(20)));
        Assert.Equal((0, 0), (tally.DoubleActions, tally.Disagreements));
        Assert.True(HasPower(tally), tally.Summary(FaultsHit));
    }

    private bool HasPower(Tally tally) => tally.Succeeded > 0 && FaultsHit > 0;

    private async Task<Tally> RunAsync(ulong seed, int sequences, int stepsPerSequence)
    {
        var tally = new Tally();
        var pcg = new PCG(1, seed);
        for (var sequence = 0; FaultRun.NeedsAnotherSequence(sequence, sequences, HasPower(tally)); sequence++)
        {
            var transactions = new List<Guid>();
            for (var i = 0; i < TransactionsPerSequence; i++)
                transactions.Add(await AuthorizeAsync($"MB-{seed % 1_000_000}-{sequence}-{i}"));
            var (users, steps) = Scenario((await BooksAsync(transactions[0])).Capabilities, stepsPerSequence).Generate(pcg, null, out _);

            await Task.WhenAll(Enumerable.Range(0, users).Select(user => Task.Run(async () =>
            {
                foreach (var step in steps.Where(s => s.User % users == user))
                    await PerformAsync(step with { User = user }, transactions, tally);
            })));

            ClearFailures();
            foreach (var id in transactions)
                await SettleAsync(id, tally);
            await CheckAsync(transactions, tally);
            tally.Sequences++;
        }
        return tally;
    }

    private async Task PerformAsync(Step step, IReadOnlyList<Guid> transactions, Tally tally)
    {
        var id = transactions[step.Transaction];
        var user = App.Staff(Roles.Operator, $"user{step.User}@test.local");
        var (transaction, invoices) = await LoadAsync(id);
        var invoice = invoices.Count == 0 ? null : invoices[step.Invoice % invoices.Count];
        if (step.Failure is { } failure)
        {
            Interlocked.Increment(ref tally.Faults);
            FailNext(step.Command, failure.Fault, failure.Variant, transaction);
        }
        if (step.Command is ContractCommand.BulkCapture or ContractCommand.BulkCancel)
        {
            await PerformBulkAsync(user, step.Command == ContractCommand.BulkCapture ? BulkAction.CaptureEverything : BulkAction.Cancel,
                [id, transactions[(step.Transaction + 1) % transactions.Count]], tally);
            return;
        }
        Interlocked.Increment(ref tally.Operations);
        var line = new LineQuantity(Articles[step.Article], step.Quantity);
        var part = Math.Max(1, (long)(transaction.MainOpenAmount * step.Fraction));
        try
        {
            var outcome = step.Command switch
            {
                ContractCommand.CaptureWhole => await Transactions.CaptureAsync(user, id, CaptureRequest.Remaining()),
                ContractCommand.CaptureAmount => await Transactions.CaptureAsync(user, id, new CaptureRequest(Amount: part)),
                ContractCommand.CaptureLines => await Transactions.CaptureAsync(user, id, new CaptureRequest(Lines: [line])),
                ContractCommand.CaptureFinal => await Transactions.CaptureAsync(user, id, new CaptureRequest(Amount: part, Final: true)),
                ContractCommand.EditLines => await Transactions.EditLinesAsync(user, id, [line with
                {
                    Quantity = Math.Max(0, (transaction.Lines.FirstOrDefault(l => l.ArticleNumber == line.ArticleNumber)?.Quantity ?? 0) - step.Quantity),
                }]),
                ContractCommand.RefundWhole when invoice is not null => await Transactions.RefundAsync(user, id, new RefundRequest(invoice.InvoiceNumber)),
                ContractCommand.RefundAmount when invoice is not null => await Transactions.RefundAsync(user, id,
                    new RefundRequest(invoice.InvoiceNumber, Math.Max(1, (long)(invoice.RefundableAmount * step.Fraction)), VatPercent: 19)),
                ContractCommand.RefundLines when invoice is not null => await Transactions.RefundAsync(user, id, new RefundRequest(invoice.InvoiceNumber, Lines: [line])),
                ContractCommand.Cancel => await Transactions.CancelAsync(user, id),
                ContractCommand.Extend => await Transactions.ExtendExpiryAsync(user, id),
                ContractCommand.Reconcile => await ReconcileAsync(user, id),
                _ => null,
            };
            // An action the provider decides later (an ECommPay refund) counts as what it was decided, not as unknown.
            if (outcome is { State: OperationState.Unknown } && step.Failure is null)
                outcome = await DecidedAsync(outcome);
            _ = outcome?.State switch
            {
                OperationState.Succeeded => Interlocked.Increment(ref tally.Succeeded),
                OperationState.Failed => Interlocked.Increment(ref tally.Failed),
                OperationState.Unknown => Interlocked.Increment(ref tally.Unknown),
                _ => Interlocked.Increment(ref tally.Refused),
            };
        }
        catch (BusinessRuleException e)
        {
            // The rules refused it, or another user holds the transaction: nothing was sent. An outcome that is not
            // known is what an operator then reconciles.
            Interlocked.Increment(ref tally.Refused);
            if (e.Message.Contains("reconcile it first", StringComparison.Ordinal))
                await TryReconcileAsync(user, id);
        }
    }

    /// <summary>A batch counts one operation per row; rows it leaves out, or finds claimed by another user, are refused.</summary>
    private async Task PerformBulkAsync(ClaimsPrincipal user, BulkAction action, IReadOnlyCollection<Guid> ids, Tally tally)
    {
        var bulk = App.Service<BulkActions>();
        foreach (var row in await bulk.RunAsync(user, await bulk.PlanAsync(user, action, ids)))
        {
            Interlocked.Increment(ref tally.Operations);
            _ = row.State switch
            {
                BulkRowState.Succeeded => Interlocked.Increment(ref tally.Succeeded),
                BulkRowState.Failed => Interlocked.Increment(ref tally.Failed),
                BulkRowState.Unknown => Interlocked.Increment(ref tally.Unknown),
                _ => Interlocked.Increment(ref tally.Refused),
            };
        }
    }

    private async Task TryReconcileAsync(ClaimsPrincipal user, Guid id)
    {
        try
        {
            await ReconcileAsync(user, id);
        }
        catch (BusinessRuleException)
        {
            // Another user reconciled it first, or its call is still in flight.
        }
    }

    /// <summary>Lets the provider decide what it took, then reconciles until nothing on the transaction is unknown.</summary>
    private async Task SettleAsync(Guid id, Tally tally)
    {
        var user = App.Staff(Roles.Operator, "settler@test.local");
        for (var until = DateTime.UtcNow + DecidesWithin; DateTime.UtcNow < until && (await LoadAsync(id)).Transaction.ActiveOperationId is not null;)
            await Task.Delay(25);
        for (var round = 0; round < 5 && (await LoadAsync(id)).Transaction.ActiveOperationId is not null; round++)
        {
            try
            {
                await ReconcileAsync(user, id);
            }
            catch (BusinessRuleException e)
            {
                tally.Problems.Add($"Reconciling {id} was refused: {e.Message}");
            }
            for (var until = DateTime.UtcNow + DecidesWithin; DateTime.UtcNow < until && (await LoadAsync(id)).Transaction.ActiveOperationId is not null;)
                await Task.Delay(25);
        }
        if ((await LoadAsync(id)).Transaction.ActiveOperationId is { } active)
        {
            Interlocked.Increment(ref tally.Disagreements);
            await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
            var operation = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == active);
            tally.Problems.Add($"Transaction {id} still has an unsettled operation: {operation.Kind} {operation.Amount} {operation.State}, {operation.Detail}.");
        }
    }

    /// <summary>After a sequence: the books equal the provider's, nothing ran twice, and the journal says what the provider did.</summary>
    private async Task CheckAsync(IReadOnlyList<Guid> transactions, Tally tally)
    {
        foreach (var id in transactions)
        {
            var problems = await DisagreementsAsync(id);
            tally.Disagreements += problems.Count;
            tally.Problems.AddRange(problems);
        }
        var doubles = await DoubleExecutionsAsync(transactions);
        tally.DoubleActions += doubles.Count;
        tally.Problems.AddRange(doubles);
        var mismatches = await JournalMismatchesAsync(transactions);
        tally.Disagreements += mismatches.Count;
        tally.Problems.AddRange(mismatches);
    }

    private async Task<(Transaction Transaction, List<Invoice> Invoices)> LoadAsync(Guid id)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return (await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == id),
            await db.Invoices.AsNoTracking().Where(i => i.TransactionId == id).OrderBy(i => i.CapturedAt).ToListAsync());
    }
}
