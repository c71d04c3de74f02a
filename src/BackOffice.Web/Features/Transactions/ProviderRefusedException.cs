namespace BackOffice.Web.Features.Transactions;

/// <summary>A provider refused a call for good: nothing happened. <see cref="Text"/> says why, for staff.</summary>
public sealed class ProviderRefusedException(Message text, int code, string faultText) : Exception(text.ToString())
{
    public Message Text { get; } = text;

    public int Code { get; } = code;

    /// <summary>The provider's own words, kept on the operation.</summary>
    public string FaultText { get; } = faultText;
}
