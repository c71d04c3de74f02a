using System.Security.Claims;
using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackOffice.Web.Features.Transactions;

/// <summary>A list address (filters, order, page size) a user keeps under a name of their own.</summary>
public sealed class SavedView
{
    public const int NameLength = 60;
    public const int MostPerUser = 30;

    private SavedView()
    {
    }

    public SavedView(string userId, string name, string query, DateTimeOffset createdAt) =>
        (UserId, Name, Query, CreatedAt) = (userId, name, query, createdAt);

    public int Id { get; private set; }
    public string UserId { get; private set; } = "";
    public string Name { get; private set; } = "";

    /// <summary>The list address's query, from "?": <c>?state=Authorized&amp;sort=Expires</c>.</summary>
    public string Query { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public void Replace(string query, DateTimeOffset at) => (Query, CreatedAt) = (query, at);

    public static Message? NameError(string? name) => name?.Trim() switch
    {
        null or "" => new Message("Give the view a name."),
        { Length: > NameLength } => new Message("A view's name has at most {0} characters.", NameLength),
        _ => null,
    };
}

/// <summary>Each user's saved views of the transaction list; a view saved under a name that exists replaces it.</summary>
public sealed class SavedViews(IDbContextFactory<BackOfficeDbContext> databases, TimeProvider time)
{
    public async Task<IReadOnlyList<SavedView>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var owner = Owner(user);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking().Where(v => v.UserId == owner).OrderBy(v => v.Name).ToListAsync(cancellationToken);
    }

    public async Task<SavedView> SaveAsync(ClaimsPrincipal user, string name, TransactionSearch search, ListPosition position)
    {
        if (SavedView.NameError(name) is { } error)
            throw new BusinessRuleException(error);
        var owner = Owner(user);
        var trimmed = name.Trim();
        // The page is where the user happened to be, not part of what they want to see again.
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("", TransactionSearchAddress.Query(search, position with { Page = 1 }));
        return await DatabaseRetry.RunAsync(async () =>
        {
            await using var db = await databases.CreateDbContextAsync();
            var view = await db.SavedViews.SingleOrDefaultAsync(v => v.UserId == owner && v.Name == trimmed);
            if (view is not null)
                view.Replace(query, time.GetUtcNow());
            else if (await db.SavedViews.CountAsync(v => v.UserId == owner) >= SavedView.MostPerUser)
                throw new BusinessRuleException("You have {0} saved views; delete one first.", SavedView.MostPerUser);
            else
                db.SavedViews.Add(view = new SavedView(owner, trimmed, query, time.GetUtcNow()));
            await db.SaveChangesAsync();
            return view;
        }, onConflict: true);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, int id)
    {
        var owner = Owner(user);
        await using var db = await databases.CreateDbContextAsync();
        // Another user's view is not found, as if it did not exist.
        await db.SavedViews.Where(v => v.Id == id && v.UserId == owner).ExecuteDeleteAsync();
    }

    private static string Owner(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new UnauthorizedAccessException("Saved views belong to a signed-in user.");
}

/// <summary>How <see cref="SavedView"/> is kept.</summary>
internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> view)
    {
        view.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
        view.Property(v => v.UserId).HasMaxLength(450);
        view.Property(v => v.Name).HasMaxLength(SavedView.NameLength);
        view.Property(v => v.Query).HasMaxLength(2000);
    }
}
