using System.Net.Http.Json;
using BackOffice.Computop;
using BackOffice.Computop.Sandbox;
using BackOffice.Web.Data;
using BackOffice.Web.Features.Computop;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// Klarna Payments orders on the Development channel <c>demo-computop</c>, made as a shop makes them: an authorization
/// at the in-process Computop sandbox whose notification reaches the app; and the money invariant for them: the books
/// against the sandbox's payment, and no ReqId carried out twice.
/// </summary>
public static class ComputopOrders
{
    public const string Channel = "demo-computop";

    public static readonly PaygateCredentials Merchant = new("KP_DemoShop", "demo-computop-hmac-key-for-development-only", "demo-bf-pass");

    public static ComputopOrderData Order(string firstName = "Max") => new("DE", "EUR",
        new ComputopOrderData.Person(firstName, "Mustermann", "max@example.com"),
        new ComputopOrderData.Place("Königsallee", "14", "40212", "Düsseldorf"),
        [new("A1", "Shirt", 2, 1000, 1900), new("B2", "Cap", 1, 550, 1900), new("C3", "Socks", 3, 333, 700)]);

    public static ComputopSandbox Sandbox(this BackOfficeAppFactory app) => app.Services.GetRequiredService<ComputopSandbox>();

    /// <summary>
    /// For a class that shares one app: the sandbox emptied (its payments and traffic), and the notifications,
    /// transactions and audit entries the test before left deleted.
    /// </summary>
    public static async Task StartAfreshAsync(this BackOfficeAppFactory app)
    {
        app.Sandbox().Reset();
        app.Sandbox().Traffic.Reset();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        await db.ComputopNotifications.ExecuteDeleteAsync();
        await db.DeleteTransactionsAsync();
        await db.AuditEntries.ExecuteDeleteAsync();
    }

    public static Uri NotifyUrl(this BackOfficeAppFactory app, string channel = Channel) => new(app.ClientOptions.BaseAddress, $"/notify/computop/{channel}");

    /// <summary>Authorizes at the sandbox with a notification to the app, and answers the transaction it made.</summary>
    public static async Task<Guid> AuthorizeAsync(this BackOfficeAppFactory app, string orderNumber, ComputopOrderData? order = null)
    {
        order ??= Order();
        using var http = new HttpClient { BaseAddress = new Uri(app.ClientOptions.BaseAddress, "/sandbox/computop/") };
        using var response = await http.PostAsJsonAsync("_sandbox/payments", new
        {
            Merchant.MerchantId, TransId = orderNumber, order.Amount, order.Currency, NotifyUrl = app.NotifyUrl().ToString(), RefNr = orderNumber, UserData = order.Encode(),
        });
        response.EnsureSuccessStatusCode();
        var databases = app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using (var db = await databases.CreateDbContextAsync())
            {
                if (await db.Transactions.Where(t => t.OrderNumber == orderNumber).Select(t => (Guid?)t.Id).SingleOrDefaultAsync() is { } id)
                    return id;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The notification of {orderNumber} never made a transaction.");
    }

    /// <summary>The differences between the books and the sandbox's payment, in words; empty when they agree.</summary>
    public static async Task<IReadOnlyList<string>> DisagreementsAsync(this BackOfficeAppFactory app, Guid transactionId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<BackOfficeDbContext>>().CreateDbContextAsync();
        var transaction = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == transactionId);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.TransactionId == transactionId).ToListAsync();
        var payment = app.Sandbox().Find(transaction.Reference);
        if (payment is null)
            return [$"The sandbox has no payment {transaction.Reference}."];
        var problems = new List<string>();
        var open = transaction.IsOpen ? transaction.RemainingAmount : 0;
        if ((transaction.CapturedAmount, transaction.RefundedAmount, open) != (payment.Captured, payment.Credited, payment.Authorized - payment.Captured - payment.Released))
            problems.Add($"{transaction.OrderNumber}: the books say captured {transaction.CapturedAmount}, refunded {transaction.RefundedAmount}, open {open}; " +
                $"Paygate captured {payment.Captured}, credited {payment.Credited}, open {payment.Authorized - payment.Captured - payment.Released}.");
        var ours = invoices.Select(i => i.InvoiceNumber).Order().ToList();
        var theirs = app.Sandbox().InvoicesOf(payment.PayId).Order().ToList();
        if (!ours.SequenceEqual(theirs))
            problems.Add($"{transaction.OrderNumber}: the books have invoices [{string.Join(", ", ours)}], Paygate [{string.Join(", ", theirs)}].");
        if (invoices.Sum(i => i.Amount) != transaction.CapturedAmount || invoices.Sum(i => i.RefundedAmount) != transaction.RefundedAmount)
            problems.Add($"{transaction.OrderNumber}: its invoices do not add up to what it says was captured and refunded.");
        return problems;
    }

    /// <summary>
    /// Money calls that reached Paygate twice: a ReqId carried out more than once, or sent again without an inquiry first
    /// (which only the kept answer kept from acting twice).
    /// </summary>
    public static IReadOnlyList<string> DoubleActions(this BackOfficeAppFactory app) =>
        [.. app.Sandbox().Executions.Where(e => e.ReqId is not null).GroupBy(e => e.ReqId).Where(g => g.Count() > 1).Select(g => $"{g.First().Call} {g.Key} carried out {g.Count()} times"),
         .. app.Sandbox().BlindRepeats];

    public static async Task AssertBooksAgreeAsync(this BackOfficeAppFactory app, Guid transactionId)
    {
        var problems = await app.DisagreementsAsync(transactionId);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Empty(app.DoubleActions());
    }
}
