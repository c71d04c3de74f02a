namespace BackOffice.Klarna.Sandbox;

public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/version", () => "Klarna sandbox");
        app.Run();
    }
}
