using BackOffice.Web.Features;
using BackOffice.Web.Features.Computop;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Tests.Features.Transactions;

/// <summary>Shorthands for moving a transaction's main reservation in tests.</summary>
public static class TransactionMoves
{
    public static void Capture(this Transaction transaction, long amount) => transaction.Capture(transaction.Reference, amount, []);

    public static void Cancel(this Transaction transaction) => transaction.Release(transaction.Reference);
}

public sealed class TransactionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_merchant_is_named_as_its_provider_names_it()
    {
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "", "");
        var atComputop = Transaction.AuthorizedInShop(1, ComputopModule.KlarnaPayments, ProviderEnvironment.Live, "KP_Shop", "PAY1", "T1", "order-2", "EUR", "DE", 100,
            [new TransactionLine("A1", "Shirt", 1, 100, 19, LineFlags.IncludesVat)], new TransactionCustomer("Max", "", ""), address, address, Now, Now.AddDays(28));

        Assert.Equal(("1395", "KP_Shop"), (New().Merchant, atComputop.Merchant));
        Assert.Equal(("PAY1", "T1", TransactionState.Authorized), (atComputop.Reference, atComputop.ProviderOrderId, atComputop.State));
    }

    public static Transaction New(
        AuthorizationStatus status = AuthorizationStatus.Accepted, long amount = 10_000, int channelId = 1, string orderNumber = "order-1",
        string name = "Max Mustermann", string email = "max@example.com", DateTimeOffset? createdAt = null, string reservationNumber = "2359889900")
    {
        var address = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", email, "");
        var created = createdAt ?? Now;
        return new Transaction(channelId, KlarnaModule.Invoice, ProviderEnvironment.Test, "1395", orderNumber, reservationNumber, status, "EUR", "DE", amount,
            [new TransactionLine("A1", "Shirt", 1, amount, 19, LineFlags.IncludesVat)],
            new TransactionCustomer(name, email, TransactionCustomer.Mask("07071960")), address, address, created, created.AddDays(7));
    }

    [Theory]
    [InlineData(AuthorizationStatus.Accepted, TransactionState.Authorized)]
    [InlineData(AuthorizationStatus.Pending, TransactionState.Pending)]
    [InlineData(AuthorizationStatus.Denied, TransactionState.Denied)]
    public void A_reservation_starts_in_the_state_klarna_answered(AuthorizationStatus status, TransactionState state)
    {
        var transaction = New(status);

        Assert.Equal(state, transaction.State);
        Assert.Equal(status == AuthorizationStatus.Accepted ? 10_000 : 0, transaction.RemainingAmount);
    }

    [Fact]
    public void Lines_must_add_up_to_the_amount_and_the_amount_must_be_positive()
    {
        var valid = New();

        Assert.Throws<BusinessRuleException>(() => New(amount: 0));
        Assert.Throws<BusinessRuleException>(() => new Transaction(1, KlarnaModule.Invoice, ProviderEnvironment.Test, "1", "o", "r", AuthorizationStatus.Accepted, "EUR", "DE", 10_001,
            valid.Lines, valid.Customer, valid.BillingAddress, valid.ShippingAddress, Now, Now.AddDays(7)));
    }

    [Fact]
    public void Capturing_part_then_the_rest_moves_through_part_captured_to_captured()
    {
        var transaction = New();

        transaction.Capture(4_000);
        Assert.Equal((TransactionState.PartCaptured, 6_000L), (transaction.State, transaction.RemainingAmount));
        transaction.Capture(6_000);

        Assert.Equal(TransactionState.Captured, transaction.State);
        Assert.Equal((10_000L, 0L), (transaction.CapturedAmount, transaction.RemainingAmount));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(10_001)]
    [InlineData(long.MaxValue)]
    public void Capture_outside_one_to_the_remaining_amount_is_refused_and_changes_nothing(long amount)
    {
        var transaction = New();
        var version = transaction.Version;

        Assert.Throws<BusinessRuleException>(() => TransactionMoves.Capture(transaction, amount));

        Assert.Equal((TransactionState.Authorized, 0L, version), (transaction.State, transaction.CapturedAmount, transaction.Version));
    }

    [Fact]
    public void Reduce_lowers_the_reservation_but_never_raises_it_or_zeroes_it()
    {
        var transaction = New();

        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(10_000));
        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(10_001));
        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(0));
        transaction.Reduce(9_999);
        transaction.Reduce(1);

        Assert.Equal((1L, 1L, TransactionState.Authorized), (transaction.ReservedAmount, transaction.RemainingAmount, transaction.State));
        Assert.Throws<BusinessRuleException>(() => transaction.Capture(2));
    }

    [Fact]
    public void Editing_lines_lowers_quantities_and_the_reservation_together_and_never_raises_them()
    {
        var transaction = new Transaction(1, KlarnaModule.Invoice, ProviderEnvironment.Test, "1395", "order-1", "2359889900", AuthorizationStatus.Accepted, "EUR", "DE", 2550,
            [new TransactionLine("A1", "Shirt", 2, 1000, 19, LineFlags.IncludesVat), new TransactionLine("B2", "Cap", 1, 550, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Max", "max@example.com", "••••1960"), New().BillingAddress, New().BillingAddress, Now, Now.AddDays(7));

        Assert.Equal((1550L, null), transaction.LineEdit([new("A1", 1)]));
        Assert.Equal("A1 can be 0 to 2: a reservation is never raised.", transaction.LineEdit([new("A1", 3)]).Error?.ToString());
        Assert.Equal("A1 can be 0 to 2: a reservation is never raised.", transaction.LineEdit([new("A1", -1)]).Error?.ToString());
        Assert.Equal("ZZ is not one of the order's lines.", transaction.LineEdit([new("ZZ", 1)]).Error?.ToString());
        Assert.Equal("A1 is given more than once.", transaction.LineEdit([new("A1", 1), new("A1", 2)]).Error?.ToString());
        Assert.Equal("Keep at least one line; to drop them all, cancel the order.", transaction.LineEdit([new("A1", 0), new("B2", 0)]).Error?.ToString());
        Assert.Equal("Nothing was changed.", transaction.LineEdit([new("A1", 2)]).Error?.ToString());

        transaction.EditLines([new("A1", 1), new("B2", 0)]);

        Assert.Equal((1000L, 2550L), (transaction.ReservedAmount, transaction.AuthorizedAmount));
        Assert.Equal([("A1", 1)], transaction.Lines.Select(l => (l.ArticleNumber, l.Quantity)));
        transaction.Capture(transaction.Reference, 1000, [new("A1", 1)]);
        Assert.False(transaction.CanEditLines);
        Assert.Throws<BusinessRuleException>(() => transaction.EditLines([new("A1", 0)]));
    }

    [Fact]
    public void Reduce_is_only_for_an_authorized_transaction()
    {
        var transaction = New();
        transaction.Capture(1_000);

        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(5_000));
    }

    [Fact]
    public void Cancel_ends_an_authorized_transaction_and_releases_the_rest_of_a_part_captured_one()
    {
        var authorized = New();
        var partCaptured = New();
        partCaptured.Capture(3_000);

        authorized.Cancel();
        partCaptured.Cancel();

        Assert.Equal(TransactionState.Cancelled, authorized.State);
        Assert.Equal((TransactionState.Captured, 3_000L, 0L), (partCaptured.State, partCaptured.ReservedAmount, partCaptured.RemainingAmount));
    }

    [Fact]
    public void Refunds_move_captured_through_part_refunded_to_refunded_and_never_exceed_the_captured_amount()
    {
        var transaction = New();
        transaction.Capture(10_000);

        transaction.Refund(2_500);
        Assert.Equal(TransactionState.PartRefunded, transaction.State);
        Assert.Throws<BusinessRuleException>(() => transaction.Refund(7_501));
        transaction.Refund(7_500);

        Assert.Equal((TransactionState.Refunded, 10_000L), (transaction.State, transaction.RefundedAmount));
        Assert.Throws<BusinessRuleException>(() => transaction.Refund(1));
    }

    [Fact]
    public void A_part_captured_transaction_can_refund_what_was_captured_and_still_capture_the_rest()
    {
        var transaction = New();
        transaction.Capture(4_000);

        transaction.Refund(4_000);
        Assert.Throws<BusinessRuleException>(() => transaction.Refund(1));
        transaction.Capture(6_000);

        Assert.Equal((TransactionState.PartRefunded, 10_000L, 4_000L), (transaction.State, transaction.CapturedAmount, transaction.RefundedAmount));
    }

    public static TheoryData<string, Action<Transaction>> Refused => new()
    {
        { "refund before capture", t => t.Refund(1) },
        { "capture after cancel", t => { t.Cancel(); t.Capture(1); } },
        { "cancel after capture", t => { t.Capture(10_000); t.Cancel(); } },
        { "cancel twice", t => { t.Cancel(); t.Cancel(); } },
        { "reduce after cancel", t => { t.Cancel(); t.Reduce(5); } },
        { "capture of another order's reservation", t => t.Capture("999", 1, []) },
        { "split of everything", t => t.AddSplit("5550001", 10_000) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Moves_the_rules_do_not_allow_are_refused(string move, Action<Transaction> attempt)
    {
        Assert.Throws<BusinessRuleException>(() => attempt(New()));
        Assert.NotNull(move);
    }

    [Fact]
    public void The_expiry_is_what_klarna_answered_to_an_extension()
    {
        var transaction = New();

        transaction.ExtendExpiry(Now.AddDays(9).AddSeconds(-1));

        Assert.Equal(Now.AddDays(9).AddSeconds(-1), transaction.ExpiresAt);
    }

    [Theory]
    [InlineData(TransactionState.Denied)]
    [InlineData(TransactionState.Pending)]
    public void A_pending_or_denied_transaction_allows_no_money_action(TransactionState state)
    {
        var transaction = New(state == TransactionState.Pending ? AuthorizationStatus.Pending : AuthorizationStatus.Denied);

        Assert.Throws<BusinessRuleException>(() => TransactionMoves.Capture(transaction, 1));
        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(1));
        Assert.Throws<BusinessRuleException>(() => transaction.Refund(1));
        Assert.False(transaction.CanCapture || transaction.CanReduce || transaction.CanRefund || transaction.CanCancel);
    }

    [Fact]
    public void A_status_check_resolves_pending_and_never_moves_anything_else()
    {
        var accepted = New(AuthorizationStatus.Pending);
        var denied = New(AuthorizationStatus.Pending);
        var captured = New();
        captured.Capture(10_000);
        var cancelled = New();
        cancelled.Cancel();

        Assert.False(accepted.ApplyStatus(AuthorizationStatus.Pending, Now));
        Assert.True(accepted.ApplyStatus(AuthorizationStatus.Accepted, Now.AddMinutes(1)));
        Assert.True(denied.ApplyStatus(AuthorizationStatus.Denied, Now));
        Assert.False(captured.ApplyStatus(AuthorizationStatus.Denied, Now));
        Assert.False(cancelled.ApplyStatus(AuthorizationStatus.Accepted, Now));
        Assert.False(accepted.ApplyStatus(AuthorizationStatus.Denied, Now));

        Assert.Equal((TransactionState.Authorized, Now.AddMinutes(1)), (accepted.State, accepted.AuthorizedAt));
        Assert.Equal(TransactionState.Denied, denied.State);
        Assert.Equal(TransactionState.Captured, captured.State);
        Assert.Equal(TransactionState.Cancelled, cancelled.State);
    }

    [Fact]
    public void An_uncaptured_reservation_expires_and_a_part_captured_one_keeps_its_capture()
    {
        var untouched = New();
        var partCaptured = New();
        partCaptured.Capture(1_000);

        Assert.False(untouched.MayHaveExpired(Now.AddDays(7).AddTicks(-1)));
        Assert.True(untouched.MayHaveExpired(Now.AddDays(7)));
        untouched.Release(untouched.Reference, expired: true);
        partCaptured.Release(partCaptured.Reference, expired: true);

        Assert.Equal(TransactionState.Expired, untouched.State);
        Assert.Equal((TransactionState.Captured, 1_000L), (partCaptured.State, partCaptured.ReservedAmount));
        Assert.False(untouched.MayHaveExpired(Now.AddDays(8)));
    }

    [Fact]
    public void Duplicate_article_numbers_are_refused()
    {
        var address = New().BillingAddress;
        var error = Assert.Throws<BusinessRuleException>(() => new Transaction(1, KlarnaModule.Invoice, ProviderEnvironment.Test, "1395", "o", "r", AuthorizationStatus.Accepted, "EUR", "DE", 2550,
            [new TransactionLine("A1", "Shirt", 2, 1000, 19, LineFlags.IncludesVat), new TransactionLine("A1", "Cap", 1, 550, 19, LineFlags.IncludesVat)],
            New().Customer, address, address, Now, Now.AddDays(7)));

        Assert.Contains("A1 appears more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_off_reservation_counts_as_reserved_until_captured_or_released()
    {
        var transaction = New();

        transaction.AddSplit("5550001", 700);
        Assert.Equal((10_000L, 9_300L, 700L), (transaction.RemainingAmount, transaction.MainOpenAmount, transaction.OpenSplitAmount));
        Assert.Throws<BusinessRuleException>(() => transaction.Capture(transaction.Reference, 9_301, []));
        Assert.Throws<BusinessRuleException>(() => transaction.Capture("5550001", 699, []));
        Assert.Throws<BusinessRuleException>(() => transaction.Reduce(700));
        transaction.Capture(transaction.Reference, 9_300, []);

        Assert.Equal((TransactionState.PartCaptured, 700L, 0L), (transaction.State, transaction.RemainingAmount, transaction.MainOpenAmount));
        transaction.Capture("5550001", 700, []);
        Assert.Equal((TransactionState.Captured, 10_000L), (transaction.State, transaction.CapturedAmount));
        Assert.Equal(SplitState.Captured, Assert.Single(transaction.Splits).State);
    }

    [Fact]
    public void Releasing_a_split_lowers_the_reservation_and_releasing_the_main_one_keeps_the_split()
    {
        var released = New();
        released.AddSplit("5550001", 700);
        released.Release("5550001");
        Assert.Equal((TransactionState.Authorized, 9_300L), (released.State, released.ReservedAmount));

        var mainFirst = New();
        mainFirst.AddSplit("5550002", 700);
        mainFirst.Release(mainFirst.Reference);
        Assert.Equal((TransactionState.Authorized, 700L, 0L), (mainFirst.State, mainFirst.ReservedAmount, mainFirst.MainOpenAmount));
        mainFirst.Release("5550002");
        Assert.Equal(TransactionState.Cancelled, mainFirst.State);
    }

    [Fact]
    public void A_refund_while_part_captured_is_remembered_when_the_rest_is_captured()
    {
        var transaction = New();
        transaction.Capture(4_000);
        transaction.Refund(1_000);
        Assert.Equal(TransactionState.PartCaptured, transaction.State);

        transaction.Capture(6_000);

        Assert.Equal(TransactionState.PartRefunded, transaction.State);
    }

    [Fact]
    public void Every_move_changes_the_version()
    {
        var transaction = New();
        var versions = new HashSet<Guid> { transaction.Version };

        transaction.Reduce(9_000);
        Assert.True(versions.Add(transaction.Version));
        transaction.Capture(1_000);
        Assert.True(versions.Add(transaction.Version));
        transaction.Refund(500);
        Assert.True(versions.Add(transaction.Version));
    }

    [Theory]
    [InlineData("4103219202", "••••••9202")]
    [InlineData("123", "•••")]
    public void Personal_numbers_are_masked_but_for_the_last_four_digits(string personalNumber, string masked)
    {
        Assert.Equal(masked, TransactionCustomer.Mask(personalNumber));
    }
}
