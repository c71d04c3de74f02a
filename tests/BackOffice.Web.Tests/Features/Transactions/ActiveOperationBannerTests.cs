using BackOffice.Web.Features;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>Everyone viewing a transaction sees the action that holds it: under way, or of unknown outcome.</summary>
public sealed class ActiveOperationBannerTests : BackOfficeTestContext
{
    private static readonly DateTimeOffset Started = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);
    [Fact]
    public void A_call_in_flight_shows_who_started_what_with_progress_and_offers_no_reconcile()
    {
        SignInAs("other@test.local", Roles.Operator);

        var banner = Render<ActiveOperationBanner>(p => p.Add(b => b.Operation, Capture()).Add(b => b.Currency, "EUR").Add(b => b.Provider, KlarnaModule.Provider));

        var text = banner.Find("[data-testid=in-flight]").TextContent.Replace('\u00A0', ' ');
        Assert.Contains("“Capture of EUR 25.50”, started by clerk@test.local", text, StringComparison.Ordinal);
        Assert.Contains("waiting for Klarna's answer", text, StringComparison.Ordinal);
        Assert.NotEmpty(banner.FindAll("[role=progressbar]"));
        Assert.DoesNotContain(banner.FindAll("button"), b => b.TextContent.Contains("Reconcile", StringComparison.Ordinal));
    }

    [Fact]
    public void A_computop_call_in_flight_names_computop_as_the_one_to_answer()
    {
        SignInAs("other@test.local", Roles.Operator);

        var banner = Render<ActiveOperationBanner>(p => p.Add(b => b.Operation, Capture()).Add(b => b.Currency, "EUR").Add(b => b.Provider, ComputopModule.Provider));

        Assert.Contains("waiting for Computop's answer", banner.Find("[data-testid=in-flight]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Waiting for Computop", banner.Find("[role=progressbar]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Once_the_call_can_no_longer_be_in_flight_its_outcome_is_unknown_and_an_operator_may_reconcile()
    {
        SignInAs("other@test.local", Roles.Operator);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var banner = Render<ActiveOperationBanner>(p => p.Add(b => b.Operation, Capture()).Add(b => b.Currency, "EUR").Add(b => b.Provider, KlarnaModule.Provider));

        Assert.Contains("is unknown", banner.Find("[data-testid=unknown-banner]").TextContent, StringComparison.Ordinal);
        Assert.Single(banner.FindAll("button"), b => b.TextContent.Trim() == "Reconcile");
    }

    [Fact]
    public void A_viewer_sees_an_unknown_outcome_but_cannot_reconcile_it()
    {
        SignInAs("viewer@test.local", Roles.Viewer);
        var operation = Capture();
        operation.MarkUnknown(Started.AddSeconds(10), new Message("no answer within 10 s"));

        var banner = Render<ActiveOperationBanner>(p => p.Add(b => b.Operation, operation).Add(b => b.Currency, "EUR").Add(b => b.Provider, KlarnaModule.Provider));

        Assert.Contains("no answer within 10 s", banner.Markup, StringComparison.Ordinal);
        Assert.Empty(banner.FindAll("button"));
    }

    private static Operation Capture() =>
        new(Guid.NewGuid(), OperationKind.Capture, OperationScope.Whole, "2359889900", 2550, [], null, "", "clerk@test.local", Started, Started.AddSeconds(40));
}
