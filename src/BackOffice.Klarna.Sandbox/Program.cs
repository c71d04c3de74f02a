using BackOffice.Sandbox.Kit;

namespace BackOffice.Klarna.Sandbox;

/// <summary>The sandbox on its own: <c>dotnet run --project src/BackOffice.Klarna.Sandbox --urls http://127.0.0.1:5099</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseRootDevelopmentSettings();
        builder.Services.AddKlarnaSandbox();

        var app = builder.Build();
        app.MapKlarnaSandbox();
        app.Run();
    }
}
