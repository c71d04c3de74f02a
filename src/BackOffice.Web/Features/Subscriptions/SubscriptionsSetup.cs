using BackOffice.Web.Features.Channels;

namespace BackOffice.Web.Features.Subscriptions;

internal static class SubscriptionsSetup
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services) => services
        .AddScoped<RecurringCharges>()
        .AddScoped<BackOffice.Web.Features.Jobs.IRecurringJob, RecurringChargeRun>()
        .AddScoped<SubscriptionPlans>()
        .AddScoped<SubscriptionCheckout>()
        .AddScoped<SubscriptionActions>()
        .AddScoped<SubscriptionQueries>()
        .AddSingleton<PersonalNumbers>()
        .AddSingleton<BackOffice.Web.Features.ShopApi.IShopApiEndpoints, SubscriptionShopApi>()
        .AddChannelCard<SubscriptionPlansCard>(order: 90);
}
