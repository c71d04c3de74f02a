namespace BackOffice.Web.Features.Subscriptions;

/// <summary>When completing an account from Klarna's data stops a purchase (Payway's <c>raise_on_*</c>, with Payway's defaults).</summary>
public sealed record AccountRules(bool RaiseOnSsnAlreadyTaken = true, bool RaiseOnSsnAlreadySet = false, bool RaiseOnAccountUpdate = false, bool RaiseOnDeliveryAddress = false)
{
    /// <summary>After a recurring charge nothing can be refused any more: what does not fit is left out.</summary>
    public static readonly AccountRules Lenient = new(false, false, false, false);
}

/// <summary>Why completing the account stopped the purchase: 409 for a personal number, 422 for data that does not fit.</summary>
public sealed record AccountRefusal(int Status, Message Problem);

/// <summary>
/// Completes an account from what Klarna knows — name, birth date, billing address, mobile phone, personal number,
/// delivery address — each part by its rule: refused when its <c>raise_on_*</c> is set, else left out.
/// </summary>
public static class AccountCompletion
{
    /// <param name="number">The personal number protected, when Klarna gave one.</param>
    /// <param name="takenElsewhere">Whether another account of the channel has that number.</param>
    public static AccountRefusal? Check(SubscriberAccount account, BilledCustomer customer, ProtectedPersonalNumber? number, bool takenElsewhere, AccountRules rules)
    {
        if (number is not null && takenElsewhere && rules.RaiseOnSsnAlreadyTaken)
            return new AccountRefusal(409, new Message("The personal number the payment provider gave belongs to another account."));
        if (number is not null && account.PersonalNumberDigest is { } kept && kept != number.Digest && rules.RaiseOnSsnAlreadySet)
            return new AccountRefusal(409, new Message("The account has another personal number already."));
        if (rules.RaiseOnAccountUpdate && DetailsError(customer) is { } details)
            return new AccountRefusal(422, details);
        if (rules.RaiseOnDeliveryAddress && customer.Delivery is { } delivery && SubscriberAccount.AddressError(delivery) is { } deliveryError)
            return new AccountRefusal(422, deliveryError);
        return null;
    }

    /// <summary>Applies what fits, after <see cref="Check"/> let the purchase go on.</summary>
    public static void Apply(SubscriberAccount account, BilledCustomer customer, ProtectedPersonalNumber? number, bool takenElsewhere, DateTimeOffset at)
    {
        if (DetailsError(customer) is null)
            account.TakeDetails(customer.FirstName, customer.LastName, customer.BirthDate, customer.Billing, customer.MobilePhone, at);
        if (customer.Delivery is { } delivery && SubscriberAccount.AddressError(delivery) is null)
            account.TakeDeliveryAddress(delivery);
        if (number is not null && !takenElsewhere)
            account.TakePersonalNumber(number);
    }

    private static Message? DetailsError(BilledCustomer customer) =>
        SubscriberAccount.DetailsError(customer.FirstName, customer.LastName, customer.Billing, customer.MobilePhone);
}
