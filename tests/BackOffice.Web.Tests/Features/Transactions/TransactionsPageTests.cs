using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>Sixty transactions in an app of their own, which the list's tests only read: one app for all of them.</summary>
public sealed class ListBooks : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    public BackOfficeAppFactory App { get; } = new();

    public async Task InitializeAsync()
    {
        App.CreateClient();
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        db.Transactions.AddRange(Enumerable.Range(0, 60).Select(i => TransactionTests.New(channelId: channel.Id, orderNumber: $"P-{i:00}",
            name: i % 4 == 0 ? "Jürgen Müller" : "Max Mustermann", createdAt: Start.AddMinutes(i))));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The list in bUnit over the real query of an app on its own database: key-based pages and the bounded count.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class TransactionsPageTests : BackOfficeTestContext, IClassFixture<ListBooks>
{
    private readonly BackOfficeAppFactory app;

    public TransactionsPageTests(ListBooks books)
    {
        app = books.App;
        SignInAs(app.Staff(Roles.Operator));
    }

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(_ => app.Service<TransactionQuery>());
        services.AddSingleton(_ => app.Service<ChannelService>());
        services.AddSingleton(_ => app.Service<BulkActions>());
        services.AddSingleton(_ => app.Service<SavedViews>());
        // The search field waits for a pause in typing on this clock; real time, so the pause simply passes.
        services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void Pages_turn_by_key_newest_first_with_the_position_shown()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));
        Assert.Equal("P-59", FirstOrder(page));
        Assert.True(Button(page, "Previous page").HasAttribute("disabled"));

        Turn(page, "Next page");
        page.WaitForAssertion(() => Assert.Equal("26–50 of 60", Position(page)));
        Assert.Equal("P-34", FirstOrder(page));

        Turn(page, "Next page");
        page.WaitForAssertion(() => Assert.Equal("51–60 of 60", Position(page)));
        Assert.Equal("P-09", FirstOrder(page));
        Assert.True(Button(page, "Next page").HasAttribute("disabled"));

        Turn(page, "Previous page");
        page.WaitForAssertion(() => Assert.Equal("26–50 of 60", Position(page)));

        Turn(page, "First page");
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        Turn(page, "Last page");
        page.WaitForAssertion(() => Assert.Equal("36–60 of 60", Position(page)));
        Assert.Equal("P-24", FirstOrder(page));
    }

    [Fact]
    public void A_search_counts_afresh_and_starts_at_the_first_page()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));
        Turn(page, "Next page");
        page.WaitForAssertion(() => Assert.Equal("26–50 of 60", Position(page)));

        Search(page, "MÜLLER");

        page.WaitForAssertion(() => Assert.Equal("1–15 of 15", Position(page)));
        Assert.Equal("P-56", FirstOrder(page));
    }

    [Fact]
    public void Text_too_short_for_names_says_so()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        Search(page, "ma");

        page.WaitForAssertion(() => Assert.Contains("Names and e-mails are searched from 3 characters on", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void The_filters_come_from_the_address_go_into_it_and_come_with_it_on_navigation()
    {
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("transactions?text=M%C3%9CLLER");

        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–15 of 15", Position(page)));

        Search(page, "P-05");
        page.WaitForAssertion(() => Assert.Equal("?text=P-05", AddressQuery()));
        page.WaitForAssertion(() => Assert.Equal("1–1 of 1", Position(page)));

        navigation.NavigateTo("transactions?text=M%C3%9CLLER&state=Authorized");
        page.WaitForAssertion(() => Assert.Equal("1–15 of 15", Position(page)));
        page.WaitForAssertion(() => Assert.Equal("MÜLLER", page.Find("input[placeholder^='Order number']").GetAttribute("value")));
    }

    [Fact]
    public void A_german_user_types_a_date_the_german_way()
    {
        UseCulture("de-DE");
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 von 60", Position(page)));
        var label = page.FindAll("label").Single(l => l.TextContent.Trim() == "Erstellt ab");

        page.Find($"#{label.GetAttribute("for")}").Change("21.11.2026");

        // Every transaction here was made on 20 November.
        page.WaitForAssertion(() => Assert.Contains("Keine Transaktion passt.", page.Markup, StringComparison.Ordinal));
        Assert.Equal("?from=2026-11-21", AddressQuery());
    }

    [Fact]
    public async Task An_english_user_types_a_date_as_iso_8601_as_the_list_shows_dates()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        await page.InvokeAsync(() => page.Find($"#{page.FindAll("label").Single(l => l.TextContent.Trim() == "Created from").GetAttribute("for")}").Change("2026-11-21"));

        page.WaitForAssertion(() => Assert.Contains("No transaction matches.", page.Markup, StringComparison.Ordinal));
        Assert.Equal("?from=2026-11-21", AddressQuery());
    }

    [Fact]
    public async Task A_cleared_amount_filter_is_no_filter_and_no_mistake()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("transactions?currency=EUR");
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("label"), l => l.TextContent.Trim() == "Amount from"));

        await TypeAsync(page, "Amount from", "1000.00");
        page.WaitForAssertion(() => Assert.Equal("?currency=EUR&min=100000", AddressQuery()));
        await TypeAsync(page, "Amount from", "");

        page.WaitForAssertion(() => Assert.Equal("?currency=EUR", AddressQuery()));
        Assert.DoesNotContain("Enter an amount", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_longer_than_anything_it_could_find_is_refused_with_a_message_and_not_written_into_the_address()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        Search(page, new string('x', 10_000));

        page.WaitForAssertion(() => Assert.Contains("A search is at most 100 characters.", page.Markup, StringComparison.Ordinal));
        Assert.Equal("1–25 of 60", Position(page));
        Assert.DoesNotContain("xxxx", AddressQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public void Amounts_sort_and_filter_by_range_only_within_one_currency()
    {
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));
        Assert.DoesNotContain(page.FindAll("label"), l => l.TextContent.Trim() == "Amount from");
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Amount", StringComparison.Ordinal) && th.QuerySelector("button") is not null);

        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("transactions?currency=EUR");

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("th"), th => th.TextContent.Contains("Amount", StringComparison.Ordinal) && th.QuerySelector("button") is not null));
        // So does a range of amounts: its fields are there only with a currency.
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("label"), l => l.TextContent.Trim() == "Amount from"));
    }

    /// <summary>The query the list last wrote into its address.</summary>
    [Fact]
    public void Order_page_and_size_come_from_the_address_and_go_into_it_as_the_user_turns()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("transactions?sort=OrderNumber&asc=true&page=2&size=25");

        var page = Render<TransactionsPage>();

        page.WaitForAssertion(() => Assert.Equal(("26–50 of 60", "P-25", "?sort=OrderNumber&asc=true&page=2"), (Position(page), FirstOrder(page), AddressQuery())));
        Turn(page, "Next page");
        // The address is written as the rows arrive, a moment before the grid shows them.
        page.WaitForAssertion(() => Assert.Equal(("?sort=OrderNumber&asc=true&page=3", "P-50"), (AddressQuery(), FirstOrder(page))));
        Turn(page, "First page");
        page.WaitForAssertion(() => Assert.Equal("?sort=OrderNumber&asc=true", AddressQuery()));
    }

    [Fact]
    public void A_page_past_the_end_in_the_address_shows_the_first_page()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("transactions?page=9");

        var page = Render<TransactionsPage>();

        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));
        Assert.Equal("P-59", FirstOrder(page));
    }

    private string AddressQuery() => (string)JSInterop.Invocations["backOfficeAddress.replaceQuery"][^1].Arguments[1]!;

    /// <summary>Types into the field of that label, found and typed into within one render (the list renders on its own).</summary>
    private static Task TypeAsync(IRenderedComponent<TransactionsPage> page, string label, string text) =>
        page.InvokeAsync(() => page.Find($"#{page.FindAll("label").Single(l => l.TextContent.Trim() == label).GetAttribute("for")}").Input(text));

    private static void Search(IRenderedComponent<TransactionsPage> page, string text) =>
        page.Find("input[placeholder^='Order number']").Input(text);

    [Fact]
    public async Task An_operator_selects_rows_across_pages_or_all_matching_and_a_bulk_action_confirms_count_and_sums()
    {
        var provider = Render<MudBlazor.MudDialogProvider>();
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        await SelectAsync(page, "P-59");
        Turn(page, "Next page");
        page.WaitForAssertion(() => Assert.Equal("P-34", FirstOrder(page)));
        await SelectAsync(page, "P-34");
        page.WaitForAssertion(() => Assert.Equal("2 selected", page.Find("[data-testid=selection]").TextContent.Trim()));

        // The click's handler runs until the dialog closes: not awaited.
        _ = page.FindAll("[data-testid=bulk-bar] button").Single(b => b.TextContent.Trim() == "Extend expiry").ClickAsync(new MouseEventArgs());
        provider.WaitForAssertion(() => Assert.Equal("Extend expiry for 2 transaction(s)?", provider.Find("[data-testid=bulk-confirmation]").TextContent.Trim()));
        Assert.Equal(["EUR", "2", "EUR 200.00"], provider.FindAll("[data-testid=bulk-sum] td").Select(c => c.TextContent.Trim().Replace('\u00A0', ' ')));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Back").ClickAsync(new MouseEventArgs());
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-testid=bulk-confirmation]")));

        await page.FindAll("[data-testid=bulk-bar] button").Single(b => b.TextContent.Trim() == "Select all 60 matching").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Equal("All 60 matching selected", page.Find("[data-testid=selection]").TextContent.Trim()));
        _ = page.FindAll("[data-testid=bulk-bar] button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new MouseEventArgs());
        provider.WaitForAssertion(() => Assert.Equal("Cancel for 60 transaction(s)? This cannot be undone.", provider.Find("[data-testid=bulk-confirmation]").TextContent.Trim()));
    }

    [Fact]
    public void A_viewer_gets_no_selection_and_no_bulk_actions()
    {
        SignInAs("viewer@test.local", Roles.Viewer);
        var page = Render<TransactionsPage>();
        page.WaitForAssertion(() => Assert.Equal("1–25 of 60", Position(page)));

        Assert.Empty(page.FindAll("tbody input[type=checkbox]"));
        Assert.Empty(page.FindAll("[data-testid=bulk-bar]"));
    }

    /// <summary>
    /// Ticks the row's checkbox, found by its label ("Select P-59") as a screen reader finds it. The row's checkbox may
    /// render after its link, and the list may render again between finding the checkbox and ticking it (its count
    /// arrives on its own): it waits for the label, and finds the checkbox again when the tick reached nothing.
    /// </summary>
    private static async Task SelectAsync(IRenderedComponent<TransactionsPage> page, string order)
    {
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".mud-sr-only"), l => l.TextContent == $"Select {order}"));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var label = page.FindAll(".mud-sr-only").Single(l => l.TextContent == $"Select {order}");
                await page.Find($"input[aria-labelledby='{label.Id}']").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = true });
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 3)
            {
            }
        }
    }

    private static string Position(IRenderedComponent<TransactionsPage> page) => page.Find("[data-testid=page-position]").TextContent.Trim();

    private static string FirstOrder(IRenderedComponent<TransactionsPage> page) => page.FindAll("tbody tr a")[0].TextContent.Trim();

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<TransactionsPage> page, string label) => page.Find($"button[aria-label='{label}']");

    private static void Turn(IRenderedComponent<TransactionsPage> page, string label)
    {
        // The list may render again between finding the button and clicking it (its count arrives on its own); then
        // the click reached nothing, and the button is found again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Button(page, label).Click(new MouseEventArgs());
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 3)
            {
            }
        }
    }
}
