namespace BackOffice.Web.Features;

/// <summary>A setting the app cannot start with: Program writes its message as one line and exits with 1.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
