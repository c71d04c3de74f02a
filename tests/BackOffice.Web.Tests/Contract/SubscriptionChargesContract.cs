using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BackOffice.Web.Tests.Contract;

/// <summary>A token charge the provider carried out, as it holds it.</summary>
public sealed record ProviderTokenCharge(string Token, string? IdempotencyKey, string OrderId, long OrderAmount, long CapturedAmount);

/// <summary>
/// The money invariant for recurring charges, model-based and the same for every provider that charges customer tokens:
/// CsCheck generates random sequences over a few subscriptions on a fake clock — time passing, job runs (two at once
/// too), a fault injected into the next charge (refused, or carried out or not with the answer lost), the provider
/// declining a token's next charges or suspending it, and operators retrying, moving, cancelling and terminating at
/// the same time. Then the faults are cleared and the job runs until nothing is open. After each sequence every charge
/// the provider carried out is one the journal says was charged (same key, order and amount, captured, booked as a
/// captured transaction), no key was carried out twice, every period was charged at most once and never before it was
/// due, and the periods paid are exactly those the subscription counts. CI runs a fixed seed and one random seed.
/// </summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public abstract class SubscriptionChargesContract(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SubscriptionsPerSequence = 4;

    protected static readonly DateTimeOffset Start = new(2027, 3, 30, 9, 0, 0, TimeSpan.Zero);

    protected SteppedClock Clock { get; } = new(Start);

    protected abstract BackOfficeAppFactory App { get; }

    protected abstract string Name { get; }

    /// <summary>A customer token the provider made for a purchase of <paramref name="sold"/>, as a shop's purchase makes one.</summary>
    protected abstract Task<string> TokenAsync(PlanOffer sold);

    /// <summary>Makes the provider's next token charge fail so; <paramref name="variant"/> picks among its ways (codes, a timeout, a server error).</summary>
    protected abstract void FailNextCharge(ContractFault fault, int variant);

    /// <summary>The provider declines the token's next <paramref name="times"/> charges as a failed payment method (which may pass later).</summary>
    protected abstract void DeclineNext(string token, int times);

    /// <summary>The provider suspends the token: every later charge on it is refused for good.</summary>
    protected abstract void Suspend(string token);

    protected abstract void ClearFailures();

    protected abstract int FaultsHit { get; }

    /// <summary>The order the provider placed under a charge's key, as an operator finds it there; null when it placed none.</summary>
    protected abstract string? PlacedOrder(string idempotencyKey);

    /// <summary>Every token charge the provider carried out on these tokens.</summary>
    protected abstract IReadOnlyList<ProviderTokenCharge> Carried(IReadOnlyCollection<string> tokens);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();

    private enum Command
    {
        Wait,
        Run,
        RunTwice,
        FaultThenRun,
        Decline,
        Suspend,
        RetryNow,
        MoveNext,
        CancelAtEnd,
        Terminate,
    }

    private sealed record Step(Command Command, int Subscription, int Days, ContractFault Fault, int Variant);

    private sealed class Tally
    {
        public int Charged;
        public int Refused;
        public int Faults;
        public int Refusals;
        public int SettledByOperator;
        public int Sequences;
        public List<string> Problems { get; } = [];

        public string Summary(int hit) => $"sequences: {Sequences}; charges paid: {Charged}, refused: {Refused}; faults injected: {Faults}, hit: {hit}; operator actions refused: {Refusals}; settled by an operator: {SettledByOperator}; problems: {Problems.Count}";
    }

    private static readonly Gen<Step> Steps = Gen.Select(
        Gen.Frequency((5, Gen.Const(Command.Wait)), (5, Gen.Const(Command.Run)), (2, Gen.Const(Command.RunTwice)), (4, Gen.Const(Command.FaultThenRun)),
            (2, Gen.Const(Command.Decline)), (1, Gen.Const(Command.Suspend)), (2, Gen.Const(Command.RetryNow)), (1, Gen.Const(Command.MoveNext)),
            (1, Gen.Const(Command.CancelAtEnd)), (1, Gen.Const(Command.Terminate))),
        Gen.Int[0, SubscriptionsPerSequence - 1], Gen.Int[1, 20], Gen.Enum<ContractFault>(), Gen.Int[0, 5],
        (command, subscription, days, fault, variant) => new Step(command, subscription, days, fault, variant));

    [Fact]
    public async Task A_fixed_seed_of_recurring_charges_under_faults_charges_each_period_once_with_the_books_equal_to_the_provider()
    {
        var tally = await RunAsync(seed: 20261206, sequences: 2, steps: 40);

        AssertClean(tally);
    }

    [Fact]
    public async Task A_random_seed_of_recurring_charges_under_faults_charges_each_period_once_with_the_books_equal_to_the_provider()
    {
        var seed = FaultRun.Seed();
        output.WriteLine($"{Name}: recurring charges, model-based fault test seed {seed} (replay with FAULT_RUN_SEED={seed}).");

        var tally = await RunAsync(seed, FaultRun.Sequences(), steps: 40);

        output.WriteLine($"seed {seed}: {tally.Summary(FaultsHit)}");
        await FaultRun.ReportAsync([$"{Name} recurring charges", $"seed: {seed}", tally.Summary(FaultsHit), .. tally.Problems, ""]);
        AssertClean(tally);
    }

    /// <summary>Clean, and with power: periods were paid, some refused, and injected faults were met.</summary>
    private void AssertClean(Tally tally)
    {
        Assert.True(tally.Problems.Count == 0, string.Join(Environment.NewLine, tally.Problems.Take(20)));
        Assert.True(HasPower(tally), tally.Summary(FaultsHit));
    }

    private bool HasPower(Tally tally) => tally.Charged > 0 && tally.Refused > 0 && FaultsHit > 0;

    private ClaimsPrincipal Operator => App.Staff(Roles.Operator, "operator@test.local");

    private async Task<Tally> RunAsync(ulong seed, int sequences, int steps)
    {
        var tally = new Tally();
        var pcg = new PCG(1, seed);
        var admin = App.Staff(Roles.Administrator);
        var plans = App.Service<SubscriptionPlans>();
        for (var sequence = 0; FaultRun.NeedsAnotherSequence(sequence, sequences, HasPower(tally)); sequence++)
        {
            var weekly = await plans.AddAsync(admin, "demo", $"weekly-{sequence}", "Weekly", "EUR", "DE", new PlanTerms(490, 19, BillingInterval.Week, 1));
            var monthly = await plans.AddAsync(admin, "demo", $"monthly-{sequence}", "Monthly", "EUR", "DE", new PlanTerms(1290, 19, BillingInterval.Month, 1));
            var trial = await plans.AddAsync(admin, "demo", $"trial-{sequence}", "Ten days free", "EUR", "DE",
                new PlanTerms(0, 19, BillingInterval.Week, 1, TrialDays: 10, PackagePlanId: weekly.Plan.Id));
            var sold = new List<(Guid Id, string Token, int FirstPeriod)>();
            for (var i = 0; i < SubscriptionsPerSequence; i++)
                sold.Add(await SellAsync(i % 2 == 0 ? weekly : monthly, i == 3 ? trial : null));

            foreach (var step in Steps.Array[steps].Generate(pcg, null, out _))
                await PerformAsync(step, sold, tally);

            ClearFailures();
            await SettleAsync(sold, tally);
            await CheckAsync(sold, tally);
            tally.Sequences++;
        }
        return tally;
    }

    /// <summary>A subscription as a purchase leaves it: paid for its first period, or in its trial.</summary>
    private async Task<(Guid Id, string Token, int FirstPeriod)> SellAsync(PlanOffer package, PlanOffer? trial)
    {
        var token = await TokenAsync(package);
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var account = new SubscriberAccount(package.Plan.ChannelId, $"model-{Guid.NewGuid():N}@example.com", "Erika", "Mustermann", Clock.GetUtcNow());
        var subscription = trial is null
            ? Subscription.Paid(package.Plan.ChannelId, account.Id, package.Plan, package.Version, null, token, Clock.GetUtcNow())
            : Subscription.Trial(package.Plan.ChannelId, account.Id, package.Plan, package.Version, trial.Version, token, Clock.GetUtcNow());
        db.SubscriberAccounts.Add(account);
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync();
        return (subscription.Id, token, subscription.NextPeriod);
    }

    private async Task PerformAsync(Step step, IReadOnlyList<(Guid Id, string Token, int FirstPeriod)> sold, Tally tally)
    {
        var (id, token, _) = sold[step.Subscription];
        try
        {
            switch (step.Command)
            {
                case Command.Wait:
                    Clock.Advance(TimeSpan.FromDays(step.Days));
                    break;
                case Command.Run:
                    await RunJobAsync();
                    break;
                case Command.RunTwice:
                    // A run, and an operator's retry, at the same time as another run.
                    await Task.WhenAll(RunJobAsync(), RunJobAsync(), step.Days % 2 == 0 ? RetryAsync(id) : Task.CompletedTask);
                    break;
                case Command.FaultThenRun:
                    tally.Faults++;
                    FailNextCharge(step.Fault, step.Variant);
                    await RunJobAsync();
                    break;
                case Command.Decline:
                    DeclineNext(token, 1 + step.Variant % 3);
                    break;
                case Command.Suspend:
                    Suspend(token);
                    break;
                case Command.RetryNow:
                    await App.Service<SubscriptionActions>().RetryNowAsync(Operator, id);
                    break;
                case Command.MoveNext:
                    // Postponed, as a customer asks; never before the period begins, which the check below holds the job to.
                    await App.Service<SubscriptionActions>().MoveNextChargeAsync(Operator, id, await NextChargeAsync(id) is { } next ? next.AddDays(1 + step.Days % 5) : Clock.GetUtcNow());
                    break;
                case Command.CancelAtEnd:
                    await App.Service<SubscriptionActions>().CancelAtPeriodEndAsync(Operator, id);
                    break;
                case Command.Terminate:
                    await Task.WhenAll(App.Service<SubscriptionActions>().TerminateAsync(Operator, id, "Asked by the customer"), RunJobAsync());
                    break;
            }
        }
        catch (BusinessRuleException)
        {
            // The rules refused it (not past due, ended, a charge under way, changed meanwhile): nothing changed.
            tally.Refusals++;
        }
    }

    private async Task<DateTimeOffset?> NextChargeAsync(Guid id)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Subscriptions.Where(s => s.Id == id).Select(s => s.NextChargeAt).SingleAsync();
    }

    private async Task RetryAsync(Guid id)
    {
        try
        {
            await App.Service<SubscriptionActions>().RetryNowAsync(Operator, id);
        }
        catch (BusinessRuleException)
        {
        }
    }

    private async Task RunJobAsync()
    {
        using var scope = App.Services.CreateScope();
        await ActivatorUtilities.CreateInstance<RecurringChargeRun>(scope.ServiceProvider).RunAsync("model", CancellationToken.None);
    }

    /// <summary>
    /// Runs the job until no charge is open; the clock stands, so only what is due and open is asked again. A charge
    /// whose key the provider no longer answers is settled by an operator from what the provider holds.
    /// </summary>
    private async Task SettleAsync(IReadOnlyList<(Guid Id, string Token, int FirstPeriod)> sold, Tally tally)
    {
        var ids = sold.Select(s => s.Id).ToList();
        var charges = App.Service<RecurringCharges>();
        for (var round = 0; round < 5 && (await ChargesAsync(ids)).Any(c => c.IsOpen); round++)
        {
            foreach (var stale in (await ChargesAsync(ids)).Where(charges.NeedsOperator))
            {
                tally.SettledByOperator++;
                await App.Service<SubscriptionActions>().SettleOpenChargeAsync(Operator, stale.SubscriptionId, PlacedOrder(stale.IdempotencyKey));
            }
            await RunJobAsync();
        }
        foreach (var open in (await ChargesAsync(ids)).Where(c => c.IsOpen))
            tally.Problems.Add($"Charge {open.IdempotencyKey} is still {open.State} after the faults were cleared: {open.Problem}");
    }

    private async Task<List<SubscriptionCharge>> ChargesAsync(IReadOnlyList<Guid> ids)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.SubscriptionCharges.AsNoTracking().Where(c => ids.Contains(c.SubscriptionId)).ToListAsync();
    }

    private async Task CheckAsync(IReadOnlyList<(Guid Id, string Token, int FirstPeriod)> sold, Tally tally)
    {
        var ids = sold.Select(s => s.Id).ToList();
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id);
        var charges = await db.SubscriptionCharges.AsNoTracking().Where(c => ids.Contains(c.SubscriptionId)).ToListAsync();
        var transactionIds = charges.Select(c => c.TransactionId).OfType<Guid>().ToList();
        var transactions = await db.Transactions.AsNoTracking().Where(t => transactionIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id);
        var carried = Carried([.. sold.Select(s => s.Token)]);
        var byKey = charges.ToDictionary(c => c.IdempotencyKey);
        tally.Charged += charges.Count(c => c.State == SubscriptionChargeState.Charged);
        tally.Refused += charges.Count(c => c.State == SubscriptionChargeState.Refused);

        foreach (var twice in carried.GroupBy(c => c.IdempotencyKey).Where(g => g.Count() > 1))
            tally.Problems.Add($"The provider carried out key {twice.Key} {twice.Count()} times.");
        foreach (var charge in carried)
        {
            if (charge.IdempotencyKey is null || !byKey.TryGetValue(charge.IdempotencyKey, out var journal) || journal.State != SubscriptionChargeState.Charged)
                tally.Problems.Add($"The provider carried out order {charge.OrderId} (key {charge.IdempotencyKey}), which the journal does not say was charged.");
            else if ((journal.ProviderOrderId, journal.Amount) != (charge.OrderId, charge.OrderAmount) || charge.CapturedAmount != charge.OrderAmount)
                tally.Problems.Add($"Charge {journal.IdempotencyKey}: the journal says order {journal.ProviderOrderId} for {journal.Amount}; the provider holds {charge.OrderId} for {charge.OrderAmount}, captured {charge.CapturedAmount}.");
        }
        foreach (var charge in charges.Where(c => c.State == SubscriptionChargeState.Charged))
        {
            if (!carried.Any(c => c.IdempotencyKey == charge.IdempotencyKey))
                tally.Problems.Add($"Charge {charge.IdempotencyKey} is charged in the journal, but the provider never carried it out.");
            if (charge.TransactionId is not { } transactionId || !transactions.TryGetValue(transactionId, out var transaction))
                tally.Problems.Add($"Charge {charge.IdempotencyKey} is charged with no transaction in the books.");
            else if ((transaction.State, transaction.CapturedAmount, transaction.Reference) != (TransactionState.Captured, charge.Amount, charge.ProviderOrderId))
                tally.Problems.Add($"Charge {charge.IdempotencyKey}: the books hold {transaction.Reference} {transaction.State} captured {transaction.CapturedAmount}, not {charge.ProviderOrderId} for {charge.Amount}.");
        }
        foreach (var (id, _, first) in sold)
        {
            var subscription = subscriptions[id];
            var paid = charges.Where(c => c.SubscriptionId == id && c.State == SubscriptionChargeState.Charged).OrderBy(c => c.Period).ToList();
            if (!paid.Select(c => c.Period).SequenceEqual(Enumerable.Range(first, subscription.NextPeriod - first)))
                tally.Problems.Add($"Subscription {id} counts periods {first}..{subscription.NextPeriod - 1} paid; the journal paid [{string.Join(", ", paid.Select(c => c.Period))}].");
            foreach (var early in charges.Where(c => c.SubscriptionId == id && c.CreatedAt < subscription.PeriodStart(c.Period)))
                tally.Problems.Add($"Charge {early.IdempotencyKey} was made at {early.CreatedAt:u}, before its period began at {subscription.PeriodStart(early.Period):u}.");
            // A cancellation ends the paid periods (a late charge of an earlier one may still come); a termination ends charging.
            foreach (var late in charges.Where(c => c.SubscriptionId == id && subscription.EndedAt is { } ended
                         && (subscription.State == SubscriptionState.Cancelled ? subscription.PeriodStart(c.Period) >= ended : c.CreatedAt > ended)))
                tally.Problems.Add($"Charge {late.IdempotencyKey} (period from {subscription.PeriodStart(late.Period):u}) was made at {late.CreatedAt:u}; the subscription ended {subscription.State} at {subscription.EndedAt:u}.");
        }
    }
}
