namespace BackOffice.Web.Features.Transactions;

internal static class TransactionsSetup
{
    public static IServiceCollection AddTransactions(this IServiceCollection services) => services.AddScoped<TransactionService>();
}
