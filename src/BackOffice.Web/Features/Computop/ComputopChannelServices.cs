using BackOffice.Web.Data;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Computop;

/// <summary>The channels' Klarna Payments services, kept beside the channel: on or off, live or test.</summary>
public sealed class ComputopChannelServices : IChannelServiceSummaries
{
    public ServiceKind Service => ComputopModule.KlarnaPayments;

    public async Task<IReadOnlyDictionary<int, ServiceSummary>> ByChannelAsync(BackOfficeDbContext db, int? channelId, CancellationToken cancellationToken) =>
        await db.ComputopServices.AsNoTracking().Where(s => channelId == null || s.ChannelId == channelId)
            .ToDictionaryAsync(s => s.ChannelId, s => new ServiceSummary(ComputopModule.KlarnaPayments, "Klarna Payments", s.Enabled, s.UseLive ? ProviderEnvironment.Live : ProviderEnvironment.Test), cancellationToken);
}
