using BackOffice.Klarna;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Payments;
using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>A reservation of 25.50 EUR (two shirts and a cap) made at the sandbox on the demo channel's invoice eid, and its transaction.</summary>
public static class DemoReservations
{
    private static readonly KlarnaCredentials Demo = new(1395, "demo-invoice-secret-1395", KlarnaEnvironment.Test);

    public static async Task<(Guid Id, string Rno)> ReserveAsync(BackOfficeAppFactory app)
    {
        var address = new KlarnaAddress { FirstName = "Max", LastName = "Mustermann", Email = "max@example.com", Street = "Hellersbergstraße 14", PostalCode = "41460", City = "Neuss", Country = KlarnaCountry.DE };
        var order = $"order-{Guid.NewGuid():N}"[..14];
        var reservation = await app.Services.GetRequiredService<IKlarnaGateway>().ReserveAmountAsync(Demo, new ReserveAmountRequest
        {
            PersonalNumber = "07071960", Amount = 2550, OrderId1 = order, ShippingAddress = address, BillingAddress = address,
            Currency = KlarnaCurrency.EUR, Country = KlarnaCountry.DE, Language = KlarnaLanguage.DE, PnoEncoding = PnoEncoding.DE,
            Goods = [new GoodsLine("A1", "Shirt", 2, 1000, 19), new GoodsLine("B2", "Cap", 1, 550, 19)],
        });
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Code == "demo");
        var stored = new TransactionAddress("Max", "Mustermann", "", "Hellersbergstraße", "14", "41460", "Neuss", "DE", "max@example.com", "");
        var transaction = new Transaction(channel.Id, KlarnaModule.Invoice, ProviderEnvironment.Test, "1395", order, reservation.ReservationNumber, reservation.Status.ToBooks(),
            "EUR", "DE", 2550, [new("A1", "Shirt", 2, 1000, 19, LineFlags.IncludesVat), new("B2", "Cap", 1, 550, 19, LineFlags.IncludesVat)],
            new TransactionCustomer("Max Mustermann", "max@example.com", "••••1960"), stored, stored, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7));
        db.Transactions.Add(transaction);
        await db.SaveChangesAsync();
        return (transaction.Id, reservation.ReservationNumber);
    }
}
