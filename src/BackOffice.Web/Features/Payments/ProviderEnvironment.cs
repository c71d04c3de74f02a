namespace BackOffice.Web.Features.Payments;

/// <summary>Which of a provider's systems a service talks to: its test system, or the live one where money moves.</summary>
public enum ProviderEnvironment
{
    Test,
    Live,
}
