using BackOffice.Klarna;
using BackOffice.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Features.Klarna.PClasses;

public sealed record PClassFilter(string? ChannelCode = null, KlarnaCountry? Country = null, KlarnaCurrency? Currency = null, PClassType? Type = null);

/// <summary>
/// A PClass to list, with its currency, the eids that downloaded it with these very terms and the channels whose
/// services use those eids.
/// </summary>
public sealed record PClassRow(StoredPClass PClass, KlarnaCurrency Currency, IReadOnlyList<int> Eids, IReadOnlyList<string> Channels);

/// <param name="Problems">Files that could not be read, each in words; their PClasses are missing from the rows.</param>
public sealed record PClassListing(IReadOnlyList<PClassRow> Rows, IReadOnlyList<string> Problems);

/// <summary>Reads the PClass files of every Klarna market for the PClass browser; always lists the invoice PClass.</summary>
public sealed class PClassCatalog(PClassFileStore files, IDbContextFactory<BackOfficeDbContext> databases)
{
    public async Task<PClassListing> ListAsync(PClassFilter filter, CancellationToken cancellationToken = default)
    {
        var channelsByEid = await ChannelsByEidAsync(cancellationToken);
        HashSet<int>? eids = null;
        if (filter.ChannelCode is { } code)
            eids = [.. channelsByEid.Where(e => e.Value.Contains(code)).Select(e => e.Key)];

        var rows = new List<PClassRow>();
        var problems = new List<string>();
        var markets = KlarnaMarkets.All.Where(m => (filter.Country is null || m.Country == filter.Country) && (filter.Currency is null || m.Currency == filter.Currency));
        foreach (var market in markets)
        {
            var pclasses = new List<StoredPClass> { StoredPClass.Invoice(market.Country) };
            try
            {
                pclasses.AddRange((await files.ReadAsync(market.Country, market.Currency, cancellationToken)).Where(p => eids is null || eids.Contains(p.Eid)));
            }
            catch (PClassFileException e)
            {
                problems.Add(e.Message);
            }
            // Invoice and Installments of one channel often share an eid, and merchants share terms across eids: one row
            // per set of terms, not one per eid.
            rows.AddRange(pclasses
                .Where(p => filter.Type is null || p.Type == filter.Type)
                .GroupBy(p => p with { Eid = 0 })
                .Select(g => new PClassRow(g.First(), market.Currency,
                    g.Key.Type == PClassType.Invoice ? [] : [.. g.Select(p => p.Eid).Distinct().Order()],
                    g.Key.Type == PClassType.Invoice ? [] : [.. g.SelectMany(p => channelsByEid.GetValueOrDefault(p.Eid, [])).Distinct().Order()])));
        }
        return new PClassListing(rows, problems);
    }

    private async Task<Dictionary<int, List<string>>> ChannelsByEidAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var services = await db.PaymentServices.Where(s => s.MerchantId != null)
            .Join(db.Channels, s => s.ChannelId, c => c.Id, (s, c) => new { Eid = s.MerchantId!.Value, c.Code })
            .ToListAsync(cancellationToken);
        return services.GroupBy(s => s.Eid).ToDictionary(g => g.Key, g => g.Select(s => s.Code).Distinct().Order().ToList());
    }
}
