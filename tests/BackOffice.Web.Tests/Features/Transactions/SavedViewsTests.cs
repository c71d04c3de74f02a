using System.Security.Claims;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;

namespace BackOffice.Web.Tests.Features.Transactions;

[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class SavedViewsTests : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Erika = UserWithId("user-erika", "erika@test.local");
    private static readonly ClaimsPrincipal Max = UserWithId("user-max", "max@test.local");
    private readonly BackOfficeAppFactory app = new();

    public Task InitializeAsync()
    {
        app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private SavedViews Views => app.Service<SavedViews>();

    [Fact]
    public async Task A_view_keeps_filters_and_order_but_not_the_page_and_the_same_name_replaces_it()
    {
        await Views.SaveAsync(Erika, " Expiring EUR ", new TransactionSearch(Currency: "EUR", ExpiresSoon: true), new ListPosition(TransactionSort.Expires, Descending: false, Page: 3, Size: 50));

        var view = Assert.Single(await Views.ListAsync(Erika));
        Assert.Equal(("Expiring EUR", "?currency=EUR&expiresSoon=true&sort=Expires&asc=true&size=50"), (view.Name, view.Query));
        var address = $"http://x/transactions{view.Query}";
        Assert.Equal(new TransactionSearch(Currency: "EUR", ExpiresSoon: true), TransactionSearchAddress.Parse(address));
        Assert.Equal(new ListPosition(TransactionSort.Expires, false, 1, 50), TransactionSearchAddress.ParsePosition(address));

        await Views.SaveAsync(Erika, "Expiring EUR", new TransactionSearch(State: TransactionState.Pending), new ListPosition());
        Assert.Equal("?state=Pending", Assert.Single(await Views.ListAsync(Erika)).Query);
    }

    [Fact]
    public async Task Views_are_each_users_own()
    {
        await Views.SaveAsync(Erika, "Mine", new TransactionSearch(State: TransactionState.Pending), new ListPosition());
        var erikas = Assert.Single(await Views.ListAsync(Erika));

        Assert.Empty(await Views.ListAsync(Max));
        await Views.DeleteAsync(Max, erikas.Id);
        Assert.Single(await Views.ListAsync(Erika));
        await Views.DeleteAsync(Erika, erikas.Id);
        Assert.Empty(await Views.ListAsync(Erika));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("A name much longer than sixty characters is refused, as it would not fit")]
    public async Task A_view_without_a_usable_name_is_refused_and_nothing_is_saved(string name)
    {
        await Assert.ThrowsAsync<BusinessRuleException>(() => Views.SaveAsync(Erika, name, new TransactionSearch(), new ListPosition()));
        Assert.Empty(await Views.ListAsync(Erika));
    }

    [Fact]
    public async Task A_user_keeps_at_most_thirty_views()
    {
        for (var i = 0; i < SavedView.MostPerUser; i++)
            await Views.SaveAsync(Erika, $"View {i}", new TransactionSearch(Text: $"{i}"), new ListPosition());

        await Assert.ThrowsAsync<BusinessRuleException>(() => Views.SaveAsync(Erika, "One more", new TransactionSearch(), new ListPosition()));
        await Views.SaveAsync(Erika, "View 0", new TransactionSearch(Text: "replaced"), new ListPosition());
        Assert.Equal(SavedView.MostPerUser, (await Views.ListAsync(Erika)).Count);
    }

    private static ClaimsPrincipal UserWithId(string id, string name) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, Roles.Viewer)], "Test"));
}
