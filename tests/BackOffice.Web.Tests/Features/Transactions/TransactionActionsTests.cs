using BackOffice.Web.Features;
using BackOffice.Web.Features.Transactions;
using BackOffice.Web.Tests.Infrastructure;
using Bunit;

namespace BackOffice.Web.Tests.Features.Transactions;

public sealed class TransactionActionsTests : BackOfficeTestContext
{
    private static readonly string[] Actions = ["Capture", "Edit lines", "Refund", "Cancel", "Resend invoice", "Extend expiry", "Edit address", "Change order number"];

    public static TheoryData<string, string[]> EnabledByState => new()
    {
        { "Authorized", ["Capture", "Edit lines", "Cancel", "Extend expiry", "Edit address", "Change order number"] },
        { "PartCaptured", ["Capture", "Refund", "Release remaining", "Resend invoice", "Extend expiry", "Edit address", "Change order number"] },
        { "Captured", ["Refund", "Resend invoice", "Change order number"] },
        { "PartRefunded", ["Refund", "Resend invoice", "Change order number"] },
        { "Refunded", ["Resend invoice", "Change order number"] },
        { "Cancelled", [] },
        { "Pending", [] },
        { "Denied", [] },
    };

    [Theory]
    [MemberData(nameof(EnabledByState))]
    public void An_operator_gets_exactly_the_actions_the_state_allows(string state, string[] enabled)
    {
        SignInAs("clerk@test.local", Roles.Operator);

        var actions = Render<TransactionActions>(p => p.Add(a => a.Transaction, InState(state)).Add(a => a.HasInvoices, state is not ("Authorized" or "Cancelled" or "Pending" or "Denied")));

        // After a part capture, cancelling releases what is left: the button says so.
        Assert.Equal(Actions.Select(a => a == "Cancel" && state == "PartCaptured" ? "Release remaining" : a), actions.FindAll("[data-testid=action-buttons] button").Select(b => b.TextContent.Trim()));
        Assert.Equal(enabled, actions.FindAll("[data-testid=action-buttons] button").Where(b => !b.HasAttribute("disabled")).Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void A_disabled_action_says_why()
    {
        SignInAs("clerk@test.local", Roles.Operator);
        var captured = InState("Captured");

        var actions = Render<TransactionActions>(p => p.Add(a => a.Transaction, captured).Add(a => a.HasInvoices, true));
        var busy = Render<TransactionActions>(p => p.Add(a => a.Transaction, InState("Authorized")).Add(a => a.Unavailable, true));

        string? Why(IRenderedComponent<TransactionActions> rendered, string name) =>
            rendered.FindAll("button").Single(b => b.TextContent.Trim() == name).GetAttribute("aria-description");
        Assert.Equal("The lines of a Captured transaction cannot be changed any more.", Why(actions, "Edit lines"));
        Assert.Equal("A Captured transaction cannot be captured.", Why(actions, "Capture"));
        Assert.Null(Why(actions, "Refund"));
        Assert.Equal("Another action on this transaction is under way or waits to be reconciled.", Why(busy, "Capture"));
    }

    [Fact]
    public void A_viewer_gets_no_action_at_all()
    {
        SignInAs("viewer@test.local", Roles.Viewer);

        var actions = Render<TransactionActions>(p => p.Add(a => a.Transaction, InState("Authorized")));

        Assert.Empty(actions.FindAll("[data-testid=action-buttons] button"));
    }

    [Fact]
    public void Nothing_can_start_while_an_outcome_is_unknown()
    {
        SignInAs("admin@test.local", Roles.Administrator);

        var actions = Render<TransactionActions>(p => p.Add(a => a.Transaction, InState("Authorized")).Add(a => a.Unavailable, true));

        Assert.All(actions.FindAll("[data-testid=action-buttons] button"), b => Assert.True(b.HasAttribute("disabled")));
    }

    private static Transaction InState(string state)
    {
        var transaction = TransactionTests.New(state switch { "Pending" => AuthorizationStatus.Pending, "Denied" => AuthorizationStatus.Denied, _ => AuthorizationStatus.Accepted });
        switch (state)
        {
            case "PartCaptured":
                transaction.Capture(4_000);
                break;
            case "Captured":
                transaction.Capture(10_000);
                break;
            case "PartRefunded":
                transaction.Capture(10_000);
                transaction.Refund(1_000);
                break;
            case "Refunded":
                transaction.Capture(10_000);
                transaction.Refund(10_000);
                break;
            case "Cancelled":
                transaction.Cancel();
                break;
        }
        Assert.Equal(state, transaction.State.ToString());
        return transaction;
    }
}
