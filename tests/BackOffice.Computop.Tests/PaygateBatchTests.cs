namespace BackOffice.Computop.Tests;

/// <summary>The batch file and its response against the example of PROTOCOL.md §6.</summary>
public sealed class PaygateBatchTests
{
    private const string CaptureLines = "eyJvcmRlcl9saW5lcyI6W3sibmFtZSI6IkJhdHRlcnkgUG93ZXIgUGFjayIsInJlZmVyZW5jZSI6IjE5LTQwMiIsInF1YW50aXR5IjoxLCJ1bml0X3ByaWNlIjoyNTAwLCJ0YXhfcmF0ZSI6MTkwMCwidG90YWxfYW1vdW50IjoyNTAwLCJ0b3RhbF9kaXNjb3VudF9hbW91bnQiOjAsInRvdGFsX3RheF9hbW91bnQiOjM5OSwidHlwZSI6InBoeXNpY2FsIn1dfQ==";
    private const string CreditLines = "eyJvcmRlcl9saW5lcyI6W3sibmFtZSI6IlVTQiBDYWJsZSIsInJlZmVyZW5jZSI6IjE5LTQxNyIsInF1YW50aXR5IjoyLCJ1bml0X3ByaWNlIjo1MDAsInRheF9yYXRlIjoxOTAwLCJ0b3RhbF9hbW91bnQiOjEwMDAsInRvdGFsX2Rpc2NvdW50X2Ftb3VudCI6MCwidG90YWxfdGF4X2Ftb3VudCI6MTYwLCJ0eXBlIjoicGh5c2ljYWwifV19";

    private static readonly BatchRecord[] Example =
    [
        new(BatchAction.Capture, 2500, "EUR", "ORD10042", "0123456789abcdef0123456789abcdef", "ORD10042", CaptureLines),
        new(BatchAction.Credit, 1000, "EUR", "ORD10043", "11111111111111111111111111111111", "ORD10043", CreditLines, "4711000000001"),
        new(BatchAction.Reverse, 1500, "EUR", "ORD10044", "22222222222222222222222222222222", "ORD10044"),
    ];

    [Fact]
    public void The_example_file_is_written_line_for_line_with_its_foot_and_name()
    {
        var file = PaygateBatch.Write("KP_TestShop", new DateOnly(2024, 4, 15), Example);

        Assert.Equal(
            "HEAD,KP_TestShop,20240415,1.1\r\n"
            + $"KLARNAPM,CAPTURE,2500,EUR,ORD10042,ORD10042,0123456789abcdef0123456789abcdef,{CaptureLines}\r\n"
            + $"KLARNAPM,CREDIT,1000,EUR,ORD10043,ORD10043,11111111111111111111111111111111,{CreditLines},4711000000001\r\n"
            + "KLARNAPM,REVERSE,1500,EUR,ORD10044,ORD10044,22222222222222222222222222222222\r\n"
            + "FOOT,3,5000\r\n", file);
        Assert.Equal("T20240415KP_TestShop001.dat", PaygateBatch.FileName("KP_TestShop", new DateOnly(2024, 4, 15), 1));
    }

    [Fact]
    public void Version_1_0_has_no_refnr_and_its_answers_no_code()
    {
        var file = PaygateBatch.Write("KP_TestShop", new DateOnly(2024, 4, 15), [Example[2]], "1.0");

        Assert.Contains("KLARNAPM,REVERSE,1500,EUR,ORD10044,22222222222222222222222222222222\r\n", file, StringComparison.Ordinal);
        var result = Assert.Single(PaygateBatch.ReadResponse("KP_TestShop", file.Replace("22222222222222222222222222222222\r\n", "22222222222222222222222222222222,OK\r\n", StringComparison.Ordinal)));
        Assert.Equal((Example[2] with { RefNr = null }, "OK", (string?)null, true), (result.Record, result.Status, result.Code, result.Succeeded));
    }

    [Fact]
    public void The_response_gives_each_record_its_status_code_and_invoice()
    {
        var response = "HEAD,KP_TestShop,20240415,1.1\n"
            + $"KLARNAPM,CAPTURE,2500,EUR,ORD10042,ORD10042,0123456789abcdef0123456789abcdef,{CaptureLines},4711000000002,OK,00000000\n"
            + $"KLARNAPM,CREDIT,1000,EUR,ORD10043,ORD10043,11111111111111111111111111111111,{CreditLines},4711000000001,FAILED,29990002\n"
            + "KLARNAPM,REVERSE,1500,EUR,ORD10044,ORD10044,22222222222222222222222222222222,OK,00000000\n"
            + "FOOT,3,5000\n";

        var results = PaygateBatch.ReadResponse("KP_TestShop", response);

        Assert.Equal([true, false, true], results.Select(r => r.Succeeded));
        Assert.Equal(Example[0] with { InvoiceNumber = "4711000000002" }, results[0].Record);
        Assert.Equal((Example[1], "29990002"), (results[1].Record, results[1].Code));
        Assert.Equal(Example[2], results[2].Record);
    }

    [Theory]
    [InlineData("HEAD,Other,20240415,1.1\nKLARNAPM,REVERSE,1500,EUR,T,T,P,OK,00000000\nFOOT,1,1500\n", "merchant Other's")]
    [InlineData("HEAD,KP_TestShop,20240415,1.1\nKLARNAPM,REVERSE,1500,EUR,T,T,P,OK,00000000\nFOOT,1,1400\n", "FOOT says 1 records of 1400")]
    [InlineData("HEAD,KP_TestShop,20240415,1.1\nKLARNAPM,REVERSE,1500,EUR,T,T,P,OK,00000000\nFOOT,2,1500\n", "FOOT says 2 records")]
    [InlineData("HEAD,KP_TestShop,20240415,1.1\nKLARNAPM,REVERSE,1500,EUR,T,T,P\nFOOT,1,1500\n", "not a KLARNAPM record with its result")]
    [InlineData("HEAD,KP_TestShop,20240415,1.1\nKLARNAPM,REVERSE,1500,EUR,T,T,P,OK,00000000\n", "does not end with FOOT")]
    [InlineData("KLARNAPM,REVERSE,1500,EUR,T,T,P,OK,00000000\nFOOT,1,1500\n", "does not start with HEAD")]
    public void A_response_that_is_not_the_answer_to_ours_is_refused_with_the_reason(string response, string reason) =>
        Assert.Contains(reason, Assert.Throws<PaygateBatchException>(() => PaygateBatch.ReadResponse("KP_TestShop", response)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_field_that_would_break_the_file_is_not_written() =>
        Assert.Throws<ArgumentException>(() => PaygateBatch.Write("KP_TestShop", new DateOnly(2024, 4, 15), [Example[2] with { RefNr = "A,B" }]));
}
