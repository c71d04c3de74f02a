using BackOffice.Web.Data;
using BackOffice.Web.Features.AuditLog;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Subscriptions;

public sealed record PurchaseSessionRequest(string? Code, string? ConfirmationUrl, string? Email = null, string? FirstName = null, string? LastName = null,
    bool DisableAccountInfoOverwrite = false, string? Locale = null);

/// <summary>What the shop's page loads Klarna's widget with, and what the session sells.</summary>
public sealed record PurchaseSessionResponse(Guid SessionId, string KlarnaClientToken, IReadOnlyList<string> PaymentMethodCategories, DateTimeOffset ExpiresAt,
    bool Trial, long FirstCharge, string Currency);

public sealed record CustomerInfo(string? Email, string? FirstName, string? LastName);

/// <summary>A purchase from the customer's authorization; the <c>raise_on_*</c> switches default as Payway's do.</summary>
public sealed record PurchaseOrderRequest(Guid? SessionId, string? KlarnaAuthorizationToken, CustomerInfo? CustomerInfo = null,
    bool? RaiseOnSsnAlreadyTakenError = null, bool? RaiseOnSsnAlreadySetError = null, bool? RaiseOnAccountUpdateError = null, bool? RaiseOnDeliveryAddressError = null)
{
    public AccountRules Rules => new(RaiseOnSsnAlreadyTakenError ?? true, RaiseOnSsnAlreadySetError ?? false, RaiseOnAccountUpdateError ?? false, RaiseOnDeliveryAddressError ?? false);
}

public sealed record SubscriptionSummary(Guid Id, SubscriptionState State, string Plan, DateTimeOffset? NextChargeAt, long NextChargeAmount, string Currency,
    Guid? FirstTransactionId);

/// <summary>Where to send the customer (Klarna's redirect, which ends at the confirmation address), and what was bought.</summary>
public sealed record PurchaseOrderResponse(string RedirectUrl, string ConfirmationUrl, Guid AccountId, SubscriptionSummary Subscription);

/// <summary>What a purchase came to: 201 with the order, or a refusal with its status, title and why.</summary>
public sealed record PurchaseOutcome(int Status, PurchaseOrderResponse? Order = null, string? Title = null, string? Problem = null);

/// <summary>
/// The shop API's purchase of subscriptions, shaped as Payway's: a purchase session for a package or campaign; then the
/// place order (the token, the first charge, the subscription, the account completed from Klarna) or the place trial
/// order (the token only). The session is claimed before Klarna is asked, so that it serves one purchase; a purchase
/// whose answer was lost carries on when the same authorization is sent again, which Klarna answers with the same token
/// and order. A refused payment method terminates the subscription, as Payway does.
/// </summary>
public sealed class SubscriptionCheckout(
    IDbContextFactory<BackOfficeDbContext> databases, SubscriptionPlans plans, ISubscriptionPayments payments, PersonalNumbers personalNumbers,
    TransactionChanges changes, TimeProvider time)
{
    private const string Actor = "Shop API";

    public static Dictionary<string, string[]> Errors(PurchaseSessionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Code?.Trim() is not { Length: > 0 and <= SubscriptionPlan.CodeMaxLength })
            errors["code"] = ["Give the code of the package or campaign."];
        if (request.ConfirmationUrl is not { Length: <= PurchaseSession.ConfirmationUrlMaxLength } url || !Uri.TryCreate(url, UriKind.Absolute, out var address)
            || address.Scheme is not ("https" or "http"))
            errors["confirmationUrl"] = [$"Give the absolute address of the shop's confirmation page (at most {PurchaseSession.ConfirmationUrlMaxLength} characters)."];
        if (request.Email is not null && !FieldRules.IsEmail(request.Email.Trim()))
            errors["email"] = [$"'{request.Email}' is not an e-mail address."];
        if ((request.FirstName?.Length ?? 0) > FieldRules.Name || (request.LastName?.Length ?? 0) > FieldRules.Name)
            errors["name"] = [$"A name has at most {FieldRules.Name} characters."];
        if (request.Locale is not null && (request.Locale.Length is < 2 or > 10 || !request.Locale.All(c => char.IsAsciiLetter(c) || c == '-')))
            errors["locale"] = ["A locale is written as en-US or de-DE."];
        return errors;
    }

    public static Dictionary<string, string[]> Errors(PurchaseOrderRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.SessionId is null)
            errors["sessionId"] = ["Give the session id the purchase session answered."];
        if (request.KlarnaAuthorizationToken is not { Length: > 0 and <= 255 })
            errors["klarnaAuthorizationToken"] = ["Give the authorization token the payment widget answered (at most 255 characters)."];
        if (request.CustomerInfo is { } info && (info.Email is not null && !FieldRules.IsEmail(info.Email.Trim())
            || (info.FirstName?.Length ?? 0) > FieldRules.Name || (info.LastName?.Length ?? 0) > FieldRules.Name))
            errors["customerInfo"] = ["Give an e-mail address and names of at most 100 characters."];
        return errors;
    }

    public async Task<PurchaseSessionResponse> CreateSessionAsync(string channelCode, PurchaseSessionRequest request, CancellationToken cancellationToken)
    {
        int channelId;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            channelId = await db.Channels.Where(c => c.Code == channelCode).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken)
                ?? throw new BusinessRuleException("There is no channel '{0}'.", channelCode);
        var sold = await plans.OfferAsync(channelId, request.Code!.Trim(), cancellationToken) ?? throw new BusinessRuleException("The channel sells no plan '{0}'.", request.Code);
        var (package, campaign) = sold.Version.PackagePlanId is { } packageId
            ? (await plans.CurrentVersionAsync(packageId, cancellationToken), sold.Version)
            : (sold.Version, (PlanVersion?)null);
        var session = new PurchaseSession(channelId, sold.Plan, package, campaign, request.ConfirmationUrl!, request.Email, request.FirstName, request.LastName,
            request.DisableAccountInfoOverwrite, request.Locale, time.GetUtcNow());
        var cart = await CartAsync(session, cancellationToken);
        var opened = await payments.OpenSessionAsync(cart, cancellationToken);
        session.Opened(opened.ProviderSessionId);
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            db.PurchaseSessions.Add(session);
            await db.SaveChangesAsync(cancellationToken);
        }
        return new PurchaseSessionResponse(session.Id, opened.ClientToken, opened.PaymentMethodCategories, session.ExpiresAt, session.IsTrial, cart.Amount, cart.Currency);
    }

    public async Task<PurchaseOutcome> PlaceOrderAsync(string channelCode, PurchaseOrderRequest request, bool trial, CancellationToken cancellationToken)
    {
        var authorizationToken = request.KlarnaAuthorizationToken!;
        PurchaseSession session;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            var found = await (from c in db.Channels where c.Code == channelCode join s in db.PurchaseSessions on c.Id equals s.ChannelId where s.Id == request.SessionId select s)
                .SingleOrDefaultAsync(cancellationToken);
            if (found is null)
                return new PurchaseOutcome(404, Title: "Not found", Problem: "There is no such purchase session on this channel.");
            session = found;
            if (session.IsTrial != trial)
                return new PurchaseOutcome(409, Title: "Conflict", Problem: session.IsTrial
                    ? "This session sells a free trial: place it with place-trial-order."
                    : "This session sells no free trial: place it with place-order.");
            try
            {
                session.Claim(authorizationToken, time.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (BusinessRuleException e)
            {
                return new PurchaseOutcome(session.ExpiresAt <= time.GetUtcNow() ? 410 : 409, Title: "Conflict", Problem: e.Message);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new PurchaseOutcome(409, Title: "Conflict", Problem: "The purchase session is being used by another purchase right now.");
            }
        }

        var cart = await CartAsync(session, cancellationToken);
        var email = session.Email ?? request.CustomerInfo?.Email?.Trim();
        if (email is null)
        {
            await ReleaseAsync(session.Id);
            return new PurchaseOutcome(422, Title: "Not possible", Problem: "Say whose purchase it is: give customerInfo.email, or an e-mail address when creating the session.");
        }

        switch (await payments.TokenizeAsync(cart, authorizationToken, CancellationToken.None))
        {
            case TokenizeOutcome.NotKnown lost:
                return new PurchaseOutcome(503, Title: "Try again", Problem: $"The payment provider's answer was lost ({lost.Problem}). Send the same request again: it carries on where it stopped.");
            case TokenizeOutcome.Refused refused:
                await RecordRefusedAsync(session, email, request.CustomerInfo, $"The payment provider refused the payment method: {refused.Code}");
                return PaymentMethodFailed(refused.Code, refused.Problem);
            case TokenizeOutcome.Made made:
                return await CompleteAsync(session, cart, request, email, made, cancellationToken);
            default:
                throw new InvalidOperationException();
        }
    }

    private async Task<PurchaseOutcome> CompleteAsync(PurchaseSession session, SubscriptionCart cart, PurchaseOrderRequest request, string email, TokenizeOutcome.Made made,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var plan = await db.SubscriptionPlans.SingleAsync(p => p.Id == session.PlanId, cancellationToken);
        var package = await db.PlanVersions.SingleAsync(v => v.Id == session.PackageVersionId, cancellationToken);
        var campaign = session.CampaignVersionId is { } campaignId ? await db.PlanVersions.SingleAsync(v => v.Id == campaignId, cancellationToken) : null;
        var account = await db.SubscriberAccounts.SingleOrDefaultAsync(a => a.ChannelId == session.ChannelId && a.Email == email, cancellationToken)
            ?? db.SubscriberAccounts.Add(new SubscriberAccount(session.ChannelId, email, session.FirstName ?? request.CustomerInfo?.FirstName ?? "",
                session.LastName ?? request.CustomerInfo?.LastName ?? "", now)).Entity;

        // During a trial Klarna's data arrives with the first recurring charge; and never when the shop keeps its own.
        var completes = !session.IsTrial && !session.DisableAccountInfoOverwrite;
        ProtectedPersonalNumber? number = null;
        var takenElsewhere = false;
        if (completes && made.Customer.PersonalNumber is { Length: > 0 } given)
        {
            number = await personalNumbers.ProtectAsync(given);
            takenElsewhere = await db.SubscriberAccounts.AnyAsync(a => a.ChannelId == session.ChannelId && a.Id != account.Id && a.PersonalNumberDigest == number.Digest, cancellationToken);
        }
        if (completes && AccountCompletion.Check(account, made.Customer, number, takenElsewhere, request.Rules) is { } refusal)
        {
            await payments.CancelTokenAsync(session.ChannelId, made.CustomerToken, CancellationToken.None);
            await ReleaseAsync(session.Id);
            return new PurchaseOutcome(refusal.Status, Title: refusal.Status == 409 ? "Conflict" : "Not possible",
                Problem: $"{refusal.Problem} Nothing was charged and the purchase was not completed.");
        }

        Subscription subscription;
        Guid? firstTransaction = null;
        var redirect = made.RedirectUrl;
        if (session.IsTrial)
            subscription = Subscription.Trial(session.ChannelId, account.Id, plan, package, campaign!, made.CustomerToken, now, session.DisableAccountInfoOverwrite);
        else
        {
            subscription = Subscription.Paid(session.ChannelId, account.Id, plan, package, campaign, made.CustomerToken, now, session.DisableAccountInfoOverwrite);
            var orderNumber = $"SUB-{session.Id:N}-1";
            switch (await payments.FirstChargeAsync(cart, session.AuthorizationToken!, orderNumber, CancellationToken.None))
            {
                case TokenChargeOutcome.NotKnown lost:
                    return new PurchaseOutcome(503, Title: "Try again", Problem: $"The payment provider's answer was lost ({lost.Problem}). Send the same request again: it carries on where it stopped.");
                case TokenChargeOutcome.Refused refused:
                    await payments.CancelTokenAsync(session.ChannelId, made.CustomerToken, CancellationToken.None);
                    await RecordRefusedAsync(session, email, request.CustomerInfo, $"The payment provider refused the first charge: {refused.Code}");
                    return PaymentMethodFailed(refused.Code, refused.Problem);
                case TokenChargeOutcome.Charged charged:
                    db.Transactions.Add(charged.Transaction);
                    db.Invoices.Add(charged.Capture);
                    db.SubscriptionCharges.Add(SubscriptionCharge.PaidAtPurchase(subscription, charged.ProviderOrderId, charged.Transaction, now));
                    firstTransaction = charged.Transaction.Id;
                    redirect = charged.RedirectUrl ?? redirect;
                    if (completes)
                        AccountCompletion.Apply(account, charged.Customer ?? made.Customer, number, takenElsewhere, now);
                    break;
            }
        }
        db.Subscriptions.Add(subscription);
        db.PurchaseSessions.Attach(session).Entity.Used(subscription.Id);
        db.AuditEntries.Add(new AuditEntry(now, Actor, "Subscriptions", session.IsTrial ? "Trial started" : "Purchase", subscription.Id.ToString(),
            session.IsTrial ? new Message("{0} for {1}: free until {2}.", plan.Name, email, subscription.NextChargeAt!.Value)
                : new Message("{0} for {1}: {2} charged.", plan.Name, email, new Amount(cart.Amount, cart.Currency))));
        await db.SaveChangesAsync(CancellationToken.None);
        if (firstTransaction is { } id)
            changes.Notify(id);
        return new PurchaseOutcome(201, new PurchaseOrderResponse(redirect ?? session.ConfirmationUrl, session.ConfirmationUrl, account.Id,
            new SubscriptionSummary(subscription.Id, subscription.State, plan.Name, subscription.NextChargeAt, subscription.PriceOf(subscription.NextPeriod), subscription.Currency, firstTransaction)));
    }

    private static PurchaseOutcome PaymentMethodFailed(string code, string problem) =>
        new(403, Title: "Payment method failed", Problem: $"The payment provider refused the payment method ({code}: {problem}); the subscription is terminated. The customer may try again with a new authorization.");

    /// <summary>A refused purchase is kept as a terminated subscription, as Payway does; the session may serve another try.</summary>
    private async Task RecordRefusedAsync(PurchaseSession session, string email, CustomerInfo? info, string reason)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync();
        var plan = await db.SubscriptionPlans.SingleAsync(p => p.Id == session.PlanId);
        var package = await db.PlanVersions.SingleAsync(v => v.Id == session.PackageVersionId);
        var campaign = session.CampaignVersionId is { } campaignId ? await db.PlanVersions.SingleAsync(v => v.Id == campaignId) : null;
        var account = await db.SubscriberAccounts.SingleOrDefaultAsync(a => a.ChannelId == session.ChannelId && a.Email == email)
            ?? db.SubscriberAccounts.Add(new SubscriberAccount(session.ChannelId, email, session.FirstName ?? info?.FirstName ?? "", session.LastName ?? info?.LastName ?? "", now)).Entity;
        var subscription = Subscription.Refused(session.ChannelId, account.Id, plan, package, campaign, now, reason);
        db.Subscriptions.Add(subscription);
        db.PurchaseSessions.Attach(session).Entity.Release();
        db.AuditEntries.Add(new AuditEntry(now, Actor, "Subscriptions", "Purchase", subscription.Id.ToString(), new Message("{0} for {1}: {2}", plan.Name, email, reason), succeeded: false));
        await db.SaveChangesAsync();
    }

    private async Task ReleaseAsync(Guid sessionId)
    {
        await using var db = await databases.CreateDbContextAsync();
        var session = await db.PurchaseSessions.SingleAsync(s => s.Id == sessionId);
        session.Release();
        await db.SaveChangesAsync();
    }

    /// <summary>What the session sells, priced as its versions say: nothing for a trial, a campaign's first price, or the package's.</summary>
    private async Task<SubscriptionCart> CartAsync(PurchaseSession session, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var package = await db.PlanVersions.AsNoTracking().SingleAsync(v => v.Id == session.PackageVersionId, cancellationToken);
        var packagePlan = await db.SubscriptionPlans.AsNoTracking().SingleAsync(p => p.Id == package.PlanId, cancellationToken);
        var campaign = session.CampaignVersionId is { } id ? await db.PlanVersions.AsNoTracking().SingleAsync(v => v.Id == id, cancellationToken) : null;
        var amount = session.IsTrial ? 0 : campaign?.IntroPeriods is not null ? campaign.Price : package.Price;
        return new SubscriptionCart(session.ChannelId, packagePlan.Name, amount, packagePlan.Currency, packagePlan.Country, session.Locale, package.VatPercent,
            package.Interval, package.IntervalCount, session.ConfirmationUrl);
    }
}
