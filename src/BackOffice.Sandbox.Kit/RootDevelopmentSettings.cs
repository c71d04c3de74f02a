using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BackOffice.Sandbox.Kit;

/// <remarks>Shared by the sandboxes and the web app, which all read the root appsettings.Development.json.</remarks>
public static class RootDevelopmentSettings
{
    /// <summary>
    /// The Development settings live once, at the repository root, and are copied beside the binaries at build.
    /// The default builder looks for them in the content root (the project folder), so point its source at the
    /// copy instead, keeping its place: environment variables and the command line still override it.
    /// </summary>
    public static void UseRootDevelopmentSettings(this WebApplicationBuilder builder)
    {
        var fileName = $"appsettings.{builder.Environment.EnvironmentName}.json";
        if (!builder.Environment.IsDevelopment() || !File.Exists(Path.Combine(AppContext.BaseDirectory, fileName)))
            return;

        IList<IConfigurationSource> sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var index = sources.ToList().FindIndex(s => s is JsonConfigurationSource json && json.Path == fileName);
        var source = new JsonConfigurationSource
        {
            Path = fileName,
            Optional = false,
            // As the default sources do: tests turn watching off, each watcher being a scarce inotify instance.
            ReloadOnChange = builder.Configuration.GetValue("hostBuilder:reloadConfigOnChange", true),
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        };
        if (index >= 0)
            sources[index] = source;
        else
            sources.Insert(1, source);
    }
}
