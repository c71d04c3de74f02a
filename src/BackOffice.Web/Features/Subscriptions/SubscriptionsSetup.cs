namespace BackOffice.Web.Features.Subscriptions;

internal static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services) => services
        .AddScoped<RecurringCharges>()
        .AddScoped<BackOffice.Web.Features.Jobs.IRecurringJob, RecurringChargeRun>()
        .AddScoped<SubscriptionPlans>()
        .AddScoped<SubscriptionCheckout>()
        .AddSingleton<PersonalNumbers>()
        .AddSingleton<BackOffice.Web.Features.ShopApi.IShopApiEndpoints, SubscriptionShopApi>();
}
