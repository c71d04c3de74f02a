using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.KlarnaRest;

/// <summary>The channels' Klarna Payments (direct) services, kept beside the channel: on or off, live or playground.</summary>
public sealed class KlarnaRestChannelServices : IChannelServiceSummaries
{
    public ServiceKind Service => KlarnaRestModule.KlarnaPaymentsDirect;

    public async Task<IReadOnlyDictionary<int, ServiceSummary>> ByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken) =>
        await db.KlarnaRestServices.AsNoTracking().Where(s => channelId == null || s.ChannelId == channelId)
            .ToDictionaryAsync(s => s.ChannelId, s => new ServiceSummary(KlarnaRestModule.KlarnaPaymentsDirect, "Klarna (direct)", s.Enabled, s.UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test), cancellationToken);
}
