namespace BackOffice.ECommPay.Tests;

public sealed class ECommPayCodesTests
{
    [Theory]
    [InlineData("0", ECommPayOutcome.Success)]
    [InlineData("20000", ECommPayOutcome.Declined)]
    [InlineData("20105", ECommPayOutcome.Declined)]
    [InlineData("3283", ECommPayOutcome.Declined)]
    [InlineData("3610", ECommPayOutcome.Declined)]
    [InlineData("3261", ECommPayOutcome.Rejected)]
    [InlineData("3262", ECommPayOutcome.Rejected)]
    [InlineData("3060", ECommPayOutcome.Rejected)]
    [InlineData("3061", ECommPayOutcome.Rejected)]
    [InlineData("3284", ECommPayOutcome.Rejected)]
    [InlineData("3287", ECommPayOutcome.Rejected)]
    [InlineData("3230", ECommPayOutcome.Duplicate)]
    [InlineData("3285", ECommPayOutcome.RetryLater)]
    [InlineData("601", ECommPayOutcome.RetryLater)]
    [InlineData("9999", ECommPayOutcome.Pending)]
    public void Each_code_gets_the_action_the_protocol_chose(string code, ECommPayOutcome outcome) => Assert.Equal(outcome, ECommPayCodes.Classify(code));

    [Theory]
    [InlineData("success", ECommPayOutcome.Success)]
    [InlineData("partially refunded", ECommPayOutcome.Success)]
    [InlineData("refunded", ECommPayOutcome.Success)]
    [InlineData("decline", ECommPayOutcome.Declined)]
    [InlineData("error", ECommPayOutcome.Rejected)]
    [InlineData("processing", ECommPayOutcome.Pending)]
    [InlineData("awaiting redirect result", ECommPayOutcome.Pending)]
    [InlineData("awaiting customer", ECommPayOutcome.Pending)]
    public void Each_status_is_final_or_pending(string status, ECommPayOutcome outcome) => Assert.Equal(outcome, ECommPayCodes.ClassifyStatus(status));
}
