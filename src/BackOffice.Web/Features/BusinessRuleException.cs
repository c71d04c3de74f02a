namespace BackOffice.Web.Features;

/// <summary>A request the domain refuses; the message is written for the person who made it.</summary>
public sealed class BusinessRuleException(string message) : Exception(message);
