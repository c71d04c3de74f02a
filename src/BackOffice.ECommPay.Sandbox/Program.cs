using BackOffice.Sandbox.Kit;

namespace BackOffice.ECommPay.Sandbox;

/// <summary>The sandbox on its own: <c>dotnet run --project src/BackOffice.ECommPay.Sandbox --urls http://127.0.0.1:5097</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseRootDevelopmentSettings();
        builder.Services.AddECommPaySandbox();

        var app = builder.Build();
        app.MapECommPaySandbox();
        app.Run();
    }
}
