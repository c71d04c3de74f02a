using BackOffice.Sandbox.Kit;

namespace BackOffice.KlarnaRest.Sandbox;

/// <summary>The sandbox on its own: <c>dotnet run --project src/BackOffice.KlarnaRest.Sandbox --urls http://127.0.0.1:5099</c>.</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseRootDevelopmentSettings();
        builder.Services.AddKlarnaRestSandbox();

        var app = builder.Build();
        app.MapKlarnaRestSandbox();
        app.Run();
    }
}
