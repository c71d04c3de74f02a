using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Transactions;

public enum BulkAction
{
    [Display(Name = "Capture everything")]
    CaptureEverything,
    ExtendExpiry,
    Cancel,
}

/// <summary>A selected transaction: what the action would move (its open amount), or why it is left out.</summary>
public sealed record BulkCandidate(Guid Id, string OrderNumber, string Currency, long Amount, Message? LeftOut)
{
    public bool IsIncluded => LeftOut is null;
}

/// <summary>What a bulk action would do, for the confirmation: the rows it runs on, with their sums per currency.</summary>
public sealed record BulkPlan(Guid BatchId, BulkAction Action, IReadOnlyList<BulkCandidate> Candidates)
{
    public IReadOnlyList<BulkCandidate> Included { get; } = [.. Candidates.Where(c => c.IsIncluded)];

    public IReadOnlyList<BulkCandidate> LeftOut { get; } = [.. Candidates.Where(c => !c.IsIncluded)];

    public IReadOnlyList<(string Currency, long Amount)> SumsPerCurrency { get; } =
        [.. Candidates.Where(c => c.IsIncluded).GroupBy(c => c.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(c => c.Amount)))];
}

public enum BulkRowState
{
    Succeeded,
    Failed,
    Unknown,
    LeftOut,
}

public sealed record BulkRowResult(Guid Id, string OrderNumber, BulkRowState State, Message Message);

/// <summary>
/// Capture everything, extend expiry or cancel for many transactions: each row runs through the same journal as a
/// single action (so never two actions on one transaction at once, and an unknown outcome stays for reconciliation),
/// a few at a time. The batch is audited when it starts and ends; each row's operation carries the batch in its reason.
/// </summary>
public sealed class BulkActions(
    IDbContextFactory<BackOfficeDbContext> databases,
    StaffAuthorization authorization,
    TransactionService transactions,
    TransactionQuery query,
    TimeProvider time)
{
    /// <summary>The most transactions one batch takes, selected or matching a filter.</summary>
    public const int Limit = 500;

    private const int AtOnce = 4;

    /// <summary>How a row ended, as the dialog and the audit log name it.</summary>
    public static string Label(BulkRowState state) => state switch
    {
        BulkRowState.Succeeded => "Succeeded",
        BulkRowState.Failed => "Failed",
        BulkRowState.Unknown => "Outcome unknown",
        _ => "Left out",
    };

    /// <summary>The transactions matching the filter, newest first; one more than <see cref="Limit"/> when there are more.</summary>
    public Task<IReadOnlyList<Guid>> MatchingAsync(TransactionSearch search, CancellationToken cancellationToken = default) =>
        query.IdsAsync(search, Limit + 1, cancellationToken);

    public async Task<BulkPlan> PlanAsync(ClaimsPrincipal user, BulkAction action, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
            throw new BusinessRuleException("Select at least one transaction.");
        if (wanted.Count > Limit)
            throw new BusinessRuleException($"A bulk action takes at most {Limit} transactions; narrow the selection.");
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Transactions.AsNoTracking().Where(t => wanted.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        var candidates = wanted.Where(found.ContainsKey).Select(id => Candidate(action, found[id])).OrderBy(c => c.OrderNumber, StringComparer.Ordinal).ToList();
        return new BulkPlan(Guid.NewGuid(), action, candidates);
    }

    /// <summary>
    /// Runs the plan's included rows and answers every row's result (left-out rows included), reporting each as it
    /// ends. Stopping lets the rows under way finish and starts no more.
    /// </summary>
    public async Task<IReadOnlyList<BulkRowResult>> RunAsync(ClaimsPrincipal user, BulkPlan plan, IProgress<BulkRowResult>? progress = null, CancellationToken stop = default)
    {
        await authorization.RequireAsync(user, Policies.Operator);
        var name = EnumTexts.English(plan.Action);
        var sums = Message.Join(", ", [.. plan.SumsPerCurrency.Select(s => new Message("{0}", new Amount(s.Amount, s.Currency)))]);
        await AuditAsync(user, $"Bulk {name.ToLowerInvariant()} started", plan.BatchId, plan.SumsPerCurrency.Count > 0
            ? new Message("{0} transaction(s) holding {1}; {2} left out", plan.Included.Count, sums, plan.LeftOut.Count)
            : new Message("{0} transaction(s); {1} left out", plan.Included.Count, plan.LeftOut.Count), succeeded: true);

        var results = new BulkRowResult?[plan.Candidates.Count];
        var indexed = plan.Candidates.Select((candidate, index) => (candidate, index)).ToList();
        foreach (var (candidate, index) in indexed.Where(c => !c.candidate.IsIncluded))
            results[index] = new BulkRowResult(candidate.Id, candidate.OrderNumber, BulkRowState.LeftOut, candidate.LeftOut!);
        var reason = $"Batch {plan.BatchId.ToString()[..8]}";
        try
        {
            await Parallel.ForEachAsync(indexed.Where(c => c.candidate.IsIncluded), new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = stop },
                async (row, _) =>
                {
                    var result = await RunOneAsync(user, plan.Action, row.candidate, reason);
                    results[row.index] = result;
                    progress?.Report(result);
                });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Rows not started stay out; they are reported as such below.
        }
        var final = plan.Candidates.Select((c, i) => results[i] ?? new BulkRowResult(c.Id, c.OrderNumber, BulkRowState.LeftOut, new Message("Not started: the batch was stopped."))).ToList();
        var counts = Message.Join(", ", [.. final.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => new Message("{0}: {1}", new Message(Label(g.Key)), g.Count()))]);
        await AuditAsync(user, $"Bulk {name.ToLowerInvariant()} ended", plan.BatchId, counts, final.All(r => r.State is BulkRowState.Succeeded or BulkRowState.LeftOut));
        return final;
    }

    private async Task<BulkRowResult> RunOneAsync(ClaimsPrincipal user, BulkAction action, BulkCandidate candidate, string reason)
    {
        try
        {
            var outcome = action switch
            {
                BulkAction.CaptureEverything => await transactions.CaptureAsync(user, candidate.Id, CaptureRequest.Remaining(reason)),
                BulkAction.ExtendExpiry => await transactions.ExtendExpiryAsync(user, candidate.Id, reason),
                _ => await transactions.CancelAsync(user, candidate.Id, reason),
            };
            var state = outcome.State switch
            {
                OperationState.Succeeded => BulkRowState.Succeeded,
                OperationState.Unknown => BulkRowState.Unknown,
                _ => BulkRowState.Failed,
            };
            return new BulkRowResult(candidate.Id, candidate.OrderNumber, state, outcome.Message);
        }
        catch (BusinessRuleException refused)
        {
            // Changed since the plan, or another action is under way on it: nothing was sent.
            return new BulkRowResult(candidate.Id, candidate.OrderNumber, BulkRowState.Failed, refused.Text);
        }
    }

    private static BulkCandidate Candidate(BulkAction action, Transaction transaction)
    {
        var leftOut = transaction.ActiveOperationId is not null
            ? new Message("Another action on it is under way or of unknown outcome.")
            : action switch
            {
                BulkAction.CaptureEverything => transaction.CaptureRemainingError(),
                BulkAction.ExtendExpiry => transaction.LacksError(Payments.Capabilities.ExtendExpiry)
                    ?? (transaction.CanExtend ? null : new Message("A {0} transaction has no reservation to extend.", transaction.State)),
                _ => transaction.CanCancel ? null : new Message("A {0} transaction cannot be cancelled.", transaction.State),
            };
        return new BulkCandidate(transaction.Id, transaction.OrderNumber, transaction.Currency, leftOut is null ? transaction.RemainingAmount : 0, leftOut);
    }

    private async Task AuditAsync(ClaimsPrincipal user, string action, Guid batchId, Message details, bool succeeded)
    {
        await using var db = await databases.CreateDbContextAsync();
        db.AuditEntries.Add(new AuditEntry(time.GetUtcNow(), user.Name(), "Transactions", action, $"Batch {batchId.ToString()[..8]}", details, succeeded));
        await db.SaveChangesAsync();
    }
}
