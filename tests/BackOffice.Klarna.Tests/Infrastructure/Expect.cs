namespace BackOffice.Klarna.Tests.Infrastructure;

internal static class Expect
{
    public static async Task<KlarnaFaultException> Fault(KlarnaFaultCode code, Func<Task> call)
    {
        var fault = await Assert.ThrowsAsync<KlarnaFaultException>(call);
        Assert.Equal(code, fault.Code);
        Assert.Equal((int)code, fault.RawCode);
        return fault;
    }
}
