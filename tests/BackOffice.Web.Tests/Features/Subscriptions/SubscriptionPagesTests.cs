using BackOffice.Web.Data;
using BackOffice.Web.Features;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Subscriptions;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Features.Users;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackOffice.Web.Tests.Features.Subscriptions;

/// <summary>The subscriptions list, a subscription's page with its operator actions, and the channel's plans card, in bUnit over an app's database.</summary>
[Collection(AppCollection.Name), Trait(AppCollection.Trait, AppCollection.Name)]
public sealed class SubscriptionPagesTests : BackOfficeTestContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Sold = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly BackOfficeAppFactory app = new();
    private Guid paid, trial, pastDue;

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(_ => app.Service<SubscriptionQueries>());
        services.AddSingleton(_ => app.Service<SubscriptionActions>());
        services.AddSingleton(_ => app.Service<SubscriptionPlans>());
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        app.CreateClient();
        SignInAs(app.Staff(Roles.Operator));
        var admin = app.Staff(Roles.Administrator);
        var plans = app.Service<SubscriptionPlans>();
        var package = await plans.AddAsync(admin, "demo", "digital", "Digital", "EUR", "DE", new PlanTerms(990, 19, BillingInterval.Month, 1));
        var campaign = await plans.AddAsync(admin, "demo", "try-14", "Two weeks free", "EUR", "DE", new PlanTerms(0, 19, BillingInterval.Month, 1, TrialDays: 14, PackagePlanId: package.Plan.Id));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var erika = new SubscriberAccount(package.Plan.ChannelId, "erika@example.com", "Erika", "Mustermann", Sold);
        erika.TakeDetails("Erika", "Mustermann", new DateOnly(1941, 3, 21), new TransactionAddress("Erika", "Mustermann", "", "Heidestraße 17", "", "51147", "Köln", "DE", "", ""), "+491701234567", Sold);
        erika.TakePersonalNumber(await app.Service<PersonalNumbers>().ProtectAsync("19410321-9202"));
        var max = new SubscriberAccount(package.Plan.ChannelId, "max@example.com", "Max", "Muster", Sold);
        var jo = new SubscriberAccount(package.Plan.ChannelId, "jo@example.com", "Jo", "Beispiel", Sold);
        var first = Subscription.Paid(package.Plan.ChannelId, erika.Id, package.Plan, package.Version, null, "token-erika", Sold);
        var (transaction, capture) = Transaction.PaidInShop(package.Plan.ChannelId, BackOffice.Web.Features.KlarnaRest.KlarnaRestModule.KlarnaPaymentsDirect, ProviderEnvironment.Test, "PK", "order-1", "capture-1",
            "SUB-ERIKA-1", "EUR", "DE", [new TransactionLine("SUBSCRIPTION", "Digital", 1, 990, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Erika Mustermann", "", ""), erika.BillingAddress!, erika.BillingAddress!, Sold);
        var second = Subscription.Trial(package.Plan.ChannelId, max.Id, package.Plan, package.Version, campaign.Version, "token-max", Sold.AddDays(3));
        var third = Subscription.Paid(package.Plan.ChannelId, jo.Id, package.Plan, package.Version, null, "token-jo", Sold.AddDays(5));
        third.Refused(ChargeRefusal.TryAgain, "PAYMENT_METHOD_FAILED", RetrySchedule.AsWaits(RetrySchedule.Default), Sold.AddDays(35));
        db.SubscriberAccounts.AddRange(erika, max, jo);
        db.Subscriptions.AddRange(first, second, third);
        db.Transactions.Add(transaction);
        db.Invoices.Add(capture);
        db.SubscriptionCharges.Add(SubscriptionCharge.PaidAtPurchase(first, "order-1", transaction, Sold));
        await db.SaveChangesAsync();
        (paid, trial, pastDue) = (first.Id, second.Id, third.Id);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    /// <summary>A MudBlazor text field's input, which carries the field's test id itself.</summary>
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<SubscriptionPlansCard> card, string testId) =>
        card.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private static IReadOnlyList<string> Emails(IRenderedComponent<SubscriptionsPage> page) =>
        [.. page.FindAll("[data-testid=subscriptions] tbody tr").Select(r => r.QuerySelector("a")?.TextContent ?? "").Where(e => e.Length > 0)];

    private IRenderedComponent<SubscriptionsPage> List(string? text = null, string? state = null)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameters("subscriptions", new Dictionary<string, object?> { ["text"] = text, ["state"] = state }));
        return Render<SubscriptionsPage>();
    }

    [Fact]
    public void The_list_shows_each_subscription_newest_first_and_finds_one_by_e_mail_name_state_or_the_exact_personal_number_only()
    {
        var all = List();
        all.WaitForAssertion(() => Assert.Equal(["jo@example.com", "max@example.com", "erika@example.com"], Emails(all)));
        Assert.Contains("Past due", all.Markup, StringComparison.Ordinal);

        var byMail = List("ERIKA@");
        byMail.WaitForAssertion(() => Assert.Equal(["erika@example.com"], Emails(byMail)));
        var byName = List("muster");
        byName.WaitForAssertion(() => Assert.Equal(["max@example.com", "erika@example.com"], Emails(byName)));
        var byNumber = List("194103219202");
        byNumber.WaitForAssertion(() => Assert.Equal(["erika@example.com"], Emails(byNumber)));
        var byPart = List("4103219202");
        byPart.WaitForAssertion(() => Assert.Contains("No subscription matches.", byPart.Markup, StringComparison.Ordinal));
        var byState = List(state: "Trial");
        byState.WaitForAssertion(() => Assert.Equal(["max@example.com"], Emails(byState)));
    }

    [Fact]
    public void A_subscription_shows_its_account_with_the_personal_number_masked_and_each_charge_as_a_transaction_link()
    {
        var page = Render<SubscriptionPage>(p => p.Add(x => x.Id, paid));

        page.WaitForAssertion(() => Assert.Equal("••••9202", page.Find("[data-testid=personal-number]").TextContent));
        Assert.DoesNotContain("194103219202", page.Markup, StringComparison.Ordinal);
        Assert.Equal("Heidestraße 17, 51147 Köln, DE", page.Find("[data-testid=billing-address]").TextContent);
        Assert.Equal("Active", page.Find("[data-testid=subscription-state]").TextContent.Trim());
        var link = page.Find("[data-testid=charges] a");
        Assert.Equal(("SUB-ERIKA-1", "transactions/"), (link.TextContent, link.GetAttribute("href")![..13]));
        Assert.Contains("1941-03-21", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_cancels_at_the_period_end_and_terminates_with_a_reason_each_audited_on_the_timeline()
    {
        var provider = Render<MudDialogProvider>();
        var page = Render<SubscriptionPage>(p => p.Add(x => x.Id, trial));
        page.WaitForAssertion(() => page.Find("[data-testid=subscription-actions]"));

        await page.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel at period end").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Ends at the period's end", page.Markup, StringComparison.Ordinal));
        page.Find("[data-testid=subscription-actions] input[maxlength='200']").Input("Asked by phone");
        var terminating = page.FindAll("button").Single(b => b.TextContent.Trim() == "Terminate now").ClickAsync(new());
        provider.WaitForAssertion(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "Terminate now"));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Terminate now").ClickAsync(new());
        await terminating;

        page.WaitForAssertion(() => Assert.Equal("Terminated", page.Find("[data-testid=subscription-state]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=subscription-actions]"));
        var timeline = page.Find("[data-testid=timeline]").TextContent;
        Assert.Contains("Terminated: Asked by phone", timeline, StringComparison.Ordinal);
        Assert.Contains("Ends at", timeline, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_past_due_subscription_offers_to_retry_its_charge()
    {
        var retry = Render<SubscriptionPage>(p => p.Add(x => x.Id, pastDue));
        var noRetry = Render<SubscriptionPage>(p => p.Add(x => x.Id, paid));

        retry.WaitForAssertion(() => Assert.Contains(retry.FindAll("button"), b => b.TextContent.Trim() == "Retry the charge now"));
        noRetry.WaitForAssertion(() => noRetry.Find("[data-testid=subscription-actions]"));
        Assert.DoesNotContain(noRetry.FindAll("button"), b => b.TextContent.Trim() == "Retry the charge now");
    }

    [Fact]
    public void A_viewer_sees_a_subscription_without_its_actions()
    {
        SignInAs(app.Staff(Roles.Viewer, "viewer@test.local"));

        var viewer = Render<SubscriptionPage>(p => p.Add(x => x.Id, paid));

        viewer.WaitForAssertion(() => Assert.Equal("••••9202", viewer.Find("[data-testid=personal-number]").TextContent));
        Assert.Empty(viewer.FindAll("[data-testid=subscription-actions]"));
    }

    [Fact]
    public async Task An_administrator_adds_a_package_changes_its_price_as_a_new_version_and_retires_it_on_the_channel_page()
    {
        SignInAs(app.Staff(Roles.Administrator));
        var provider = Render<MudDialogProvider>();
        var card = Render<SubscriptionPlansCard>(p => p.Add(x => x.ChannelCode, "demo"));
        card.WaitForAssertion(() => Assert.Equal(2, card.FindAll("[data-testid=plan]").Count));

        Input(card, "plan-code").Change("yearly");
        Input(card, "plan-name").Change("Yearly");
        Input(card, "plan-price").Change("99.00");
        await card.Find("[data-testid=add-plan]").ClickAsync(new());
        card.WaitForAssertion(() => Assert.Contains(card.FindAll("[data-testid=plan]"), r => r.TextContent.Contains("yearly", StringComparison.Ordinal)));
        var row = card.FindAll("[data-testid=plan]").Single(r => r.TextContent.Contains("yearly", StringComparison.Ordinal));
        row.QuerySelector("input[aria-label='New price of yearly']")!.Input("109.00");
        await card.FindAll("[data-testid=plan]").Single(r => r.TextContent.Contains("yearly", StringComparison.Ordinal))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Change price").ClickAsync(new());

        card.WaitForAssertion(() => Assert.Contains("EUR\u00a0109.00 / Month, 19 %", card.FindAll("[data-testid=plan]").Single(r => r.TextContent.Contains("yearly", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal));
        var yearly = (await app.Service<SubscriptionPlans>().ListAsync("demo")).Single(p => p.Code == "yearly");
        Assert.Equal((2, 10900L, PlanKind.Package), (yearly.Version, yearly.Terms.Price, yearly.Kind));

        var retiring = card.FindAll("[data-testid=plan]").Single(r => r.TextContent.Contains("yearly", StringComparison.Ordinal))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Retire").ClickAsync(new());
        provider.WaitForAssertion(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "Retire"));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "Retire").ClickAsync(new());
        await retiring;
        card.WaitForAssertion(() => Assert.Contains("Yearly (Package), Retired", card.FindAll("[data-testid=plan]").Single(r => r.TextContent.Contains("yearly", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal));
        Assert.Null(await app.Service<SubscriptionPlans>().OfferAsync(await ChannelIdAsync(), "yearly"));

        Input(card, "plan-code").Change("Bad code!");
        Input(card, "plan-price").Change("5.00");
        await card.Find("[data-testid=add-plan]").ClickAsync(new());
        card.WaitForAssertion(() => Assert.Contains("letters, digits", card.Find("[data-testid=plans-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(3, (await app.Service<SubscriptionPlans>().ListAsync("demo")).Count);
    }

    [Fact]
    public async Task An_administrator_sets_the_retry_schedule_on_the_channel_page_and_a_wrong_one_is_refused_with_nothing_changed()
    {
        SignInAs(app.Staff(Roles.Administrator));
        Render<MudSnackbarProvider>();
        var card = Render<SubscriptionPlansCard>(p => p.Add(x => x.ChannelCode, "demo"));
        card.WaitForAssertion(() => Assert.Equal("1, 3, 7", Input(card, "retry-days").GetAttribute("value")));

        Input(card, "retry-days").Change("2 5");
        await card.Find("[data-testid=save-retry-days]").ClickAsync(new());

        card.WaitForAssertion(() => Assert.Equal("2, 5", Input(card, "retry-days").GetAttribute("value")));
        Assert.Equal([2, 5], await app.Service<SubscriptionPlans>().RetryDaysAsync("demo"));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
            Assert.Contains("2, 5 (were 1, 3, 7)", (await db.AuditEntries.SingleAsync(e => e.Action == "Retry schedule changed")).Details.ToString(), StringComparison.Ordinal);

        Input(card, "retry-days").Change("2, 61");
        await card.Find("[data-testid=save-retry-days]").ClickAsync(new());
        card.WaitForAssertion(() => Assert.Contains("1 to 60 days", card.Find("[data-testid=plans-error]").TextContent, StringComparison.Ordinal));
        Input(card, "retry-days").Change("two");
        await card.Find("[data-testid=save-retry-days]").ClickAsync(new());
        card.WaitForAssertion(() => Assert.Contains("'two' is not a number of days", card.Find("[data-testid=plans-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal([2, 5], await app.Service<SubscriptionPlans>().RetryDaysAsync("demo"));
        await Assert.ThrowsAsync<AccessRefusedException>(() => app.Service<SubscriptionPlans>().ChangeRetryDaysAsync(app.Staff(Roles.Operator), "demo", "1"));
    }

    [Fact]
    public async Task An_operator_settles_a_charge_whose_answer_never_came_from_what_the_provider_holds_and_a_wrong_order_changes_nothing()
    {
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync())
        {
            var lost = new SubscriptionCharge(await db.Subscriptions.SingleAsync(s => s.Id == pastDue), 2, app.Service<TimeProvider>().GetUtcNow().AddDays(-2));
            lost.NotKnown("The connection was closed.");
            db.SubscriptionCharges.Add(lost);
            await db.SaveChangesAsync();
        }
        var provider = Render<MudDialogProvider>();
        var page = Render<SubscriptionPage>(p => p.Add(x => x.Id, pastDue));
        page.WaitForAssertion(() => Assert.Contains($"Look for order SUB-{pastDue:N}-2", page.Find("[data-testid=settle-charge]").TextContent, StringComparison.Ordinal));
        Assert.True(page.FindAll("button").Single(b => b.TextContent.Trim() == "Retry the charge now").HasAttribute("disabled"));

        page.Find("[data-testid=settle-charge] input").Input("order-of-someone-else");
        page.WaitForAssertion(() => Assert.False(page.FindAll("button").Single(b => b.TextContent.Trim() == "Book this order").HasAttribute("disabled")));
        // Found and clicked in one go on the renderer: the typed value re-renders the row, which would leave a found button stale.
        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Book this order").ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Contains("not set up for this channel", page.Find("[data-testid=subscription-error]").TextContent, StringComparison.Ordinal));
        var settling = page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "No order was placed").ClickAsync(new()));
        provider.WaitForAssertion(() => provider.FindAll("button").Single(b => b.TextContent.Trim() == "No order was placed"));
        await provider.FindAll("button").Single(b => b.TextContent.Trim() == "No order was placed").ClickAsync(new());
        await settling;

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=settle-charge]")));
        Assert.Contains("NOT_PLACED", page.Find("[data-testid=charges]").TextContent, StringComparison.Ordinal);
        Assert.Contains("no order was placed for charge", page.Find("[data-testid=timeline]").TextContent, StringComparison.Ordinal);
        Assert.False(page.FindAll("button").Single(b => b.TextContent.Trim() == "Retry the charge now").HasAttribute("disabled"));
    }

    private async Task<int> ChannelIdAsync()
    {
        await using var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        return await db.Channels.Where(c => c.Code == "demo").Select(c => c.Id).SingleAsync();
    }
}
