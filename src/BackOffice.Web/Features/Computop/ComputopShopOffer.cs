using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.ShopApi;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>Klarna Payments through Computop in the shop API: offered when the channel's service is ready and Paygate takes the currency after the purchase.</summary>
public sealed class ComputopShopOffer : IShopApiOffer
{
    internal static readonly string[] FollowUpCurrencies = ["AUD", "CHF", "DKK", "EUR", "GBP", "NOK", "SEK", "USD"];

    public async Task<IReadOnlyList<ServiceOption>> OptionsAsync(BackOfficeDbContext db, Channel channel, Basket basket, CancellationToken cancellationToken)
    {
        var service = await db.ComputopServices.AsNoTracking().SingleOrDefaultAsync(s => s.ChannelId == channel.Id, cancellationToken);
        var reason = service is null ? "Klarna Payments (Computop) is not set up for this channel."
            : service.NotReadyForShop?.ToString()
            ?? (!FollowUpCurrencies.Contains(basket.Currency) ? $"Computop captures and refunds Klarna Payments in {string.Join(", ", FollowUpCurrencies)}, not {basket.Currency}." : null);
        return [new ServiceOption(ComputopModule.KlarnaPayments, reason is null ? Applicability.Applicable : Applicability.NotApplicable, reason is null ? [] : [reason], [])];
    }
}
