namespace BackOffice.Sandbox.Kit;

/// <summary>
/// A card issuer that a sandbox acquirer asks when the sandboxes run in one process, as a real acquirer asks the card's
/// issuer through the card network: the Klarna REST sandbox answers for the virtual cards it issued.
/// </summary>
public interface ICardIssuer
{
    /// <summary>The issuer's decision on an authorization, or null when the card is not one it issued.</summary>
    IssuerDecision? Authorize(string number, int expiryMonth, int expiryYear, string securityCode, long amount, string currency);

    /// <summary>An authorization voided before capture: its amount is free on the card again.</summary>
    void Reverse(string number, long amount);
}

/// <summary>Approved, or declined with the acquirer's decline code (<c>insufficient_funds</c>, <c>incorrect_cvc</c>, …).</summary>
public sealed record IssuerDecision(string? DeclineCode)
{
    public static readonly IssuerDecision Approved = new((string?)null);

    public bool IsApproved => DeclineCode is null;
}
