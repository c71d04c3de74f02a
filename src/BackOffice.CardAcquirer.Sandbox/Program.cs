using BackOffice.Sandbox.Kit;

namespace BackOffice.CardAcquirer.Sandbox;

/// <summary>The sandbox on its own: <c>dotnet run --project src/BackOffice.CardAcquirer.Sandbox --urls http://127.0.0.1:5096</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseRootDevelopmentSettings();
        builder.Services.AddCardAcquirerSandbox();

        var app = builder.Build();
        app.MapCardAcquirerSandbox();
        app.Run();
    }
}
