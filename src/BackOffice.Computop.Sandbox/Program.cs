using BackOffice.Sandbox.Kit;

namespace BackOffice.Computop.Sandbox;

/// <summary>The sandbox on its own: <c>dotnet run --project src/BackOffice.Computop.Sandbox --urls http://127.0.0.1:5098</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseRootDevelopmentSettings();
        builder.Services.AddComputopSandbox();

        var app = builder.Build();
        app.MapComputopSandbox();
        app.Run();
    }
}
