using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.ECommPay;

/// <summary>The channels' Klarna (Sofort) services, kept beside the channel: on or off, live or test project.</summary>
public sealed class ECommPayChannelServices : IChannelServiceSummaries
{
    public ServiceKind Service => ECommPayModule.KlarnaSofort;

    public async Task<IReadOnlyDictionary<int, ServiceSummary>> ByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken) =>
        await db.ECommPayServices.AsNoTracking().Where(s => channelId == null || s.ChannelId == channelId)
            .ToDictionaryAsync(s => s.ChannelId, s => new ServiceSummary(ECommPayModule.KlarnaSofort, "Sofort", s.Enabled, s.UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test), cancellationToken);
}
