using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;

namespace BackOffice.Web.Tests.Infrastructure;

internal static class LegacyServiceSettings
{
    /// <summary>One legacy service of the channel, as its card shows it.</summary>
    public static async Task<PaymentServiceView> FindAsync(this KlarnaServiceSettings settings, string code, ServiceKind kind) =>
        (await settings.FindAsync(code))!.Single(s => s.Kind == kind);
}
