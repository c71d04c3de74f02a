using MudBlazor;

namespace BackOffice.Web.Features.Subscriptions;

/// <summary>How the pages colour a subscription's state and a charge's.</summary>
public static class SubscriptionLook
{
    public static Color Color(SubscriptionState state) => state switch
    {
        SubscriptionState.Active => MudBlazor.Color.Success,
        SubscriptionState.Trial => MudBlazor.Color.Info,
        SubscriptionState.PastDue => MudBlazor.Color.Warning,
        SubscriptionState.Terminated => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    public static Color Color(SubscriptionChargeState state) => state switch
    {
        SubscriptionChargeState.Charged => MudBlazor.Color.Success,
        SubscriptionChargeState.Refused => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Warning,
    };
}
