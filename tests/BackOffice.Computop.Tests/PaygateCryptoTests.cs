namespace BackOffice.Computop.Tests;

/// <summary>The MACs and the Blowfish Data against the worked examples of shared/computop/PROTOCOL.md §1.5.</summary>
public sealed class PaygateCryptoTests
{
    private static readonly PaygateCredentials Docs = new("KP_TestShop", "hmac-key-for-docs-only", "bf-Key-4-docs");

    private const string CapturePlaintext =
        "MerchantID=KP_TestShop&PayID=0123456789abcdef0123456789abcdef&TransID=ORD10042C1&Amount=4990&Currency=EUR&ReqId=CAP-ORD10042-1&MAC=D625C50C5E694AB66D004D9D462BEFFF62FE13F7FD2C7FE5C90927F0A0563C4D";

    private const string CaptureData =
        "6E33D18337CE6C284042A06073325EF48399033BFBEBDD593CE4D380D8CAF540CAAFE4D2035E3475EAF5247CC31E2192CAAFE4D2035E3475020AE14B4EF6F5007A762F632FC71AA3F5606B84610FB8929132B420F32541A8EB0B674B3A7F7AE9360E0919557BC96078100A71578D718E3040212419FA2C4DB9B3D3B79B9F652A9AA05B00604F781DD335ADA07C0015746C94F02537FD438259F9167E890A2CFA737938CFFDF125D3FFB97695BDBB59B99BDDEFE7B81FA8E028EB174903CC4DA523555574F10775B3";

    [Fact]
    public void Computops_own_mac_samples_reproduce()
    {
        Assert.Equal("38CED807E293FC634A6C36FFAEA7BD2687038D40615781918AEF2DE7BB9A9903",
            PaygateMac.OfRequest("mySecret", null, "TID-4453732122167114558", "yourMerchantId", 1234, "EUR"));
        Assert.Equal("4CDCB4DE587AC210F21DE0591689B920CF56D89B38D4C7B1B7F8867BFC93E02C",
            PaygateMac.OfResult("mySecret", "7bbb448155234d8cbee323778952ce28", "TID-12033175321270170232", "yourMerchantId", "AUTHORIZED", "00000000"));
    }

    [Fact]
    public void The_request_and_notification_macs_of_the_worked_examples()
    {
        Assert.Equal("D625C50C5E694AB66D004D9D462BEFFF62FE13F7FD2C7FE5C90927F0A0563C4D",
            PaygateMac.OfRequest(Docs.HmacKey, "0123456789abcdef0123456789abcdef", "ORD10042C1", "KP_TestShop", 4990, "EUR"));
        Assert.Equal("57D2679CF716A7FCE15E627D92398C0B0DFDB6795BDADE81FC38D934065EA382",
            PaygateMac.OfResult(Docs.HmacKey, "0123456789abcdef0123456789abcdef", "ORD10042", "KP_TestShop", "OK", "00000000"));
        Assert.True(PaygateMac.Matches("57D2679CF716A7FCE15E627D92398C0B0DFDB6795BDADE81FC38D934065EA382", "57d2679cf716a7fce15e627d92398c0b0dfdb6795bdade81fc38d934065ea382"));
        Assert.False(PaygateMac.Matches("57D2679CF716A7FCE15E627D92398C0B0DFDB6795BDADE81FC38D934065EA382", "57D2679CF716A7FCE15E627D92398C0B0DFDB6795BDADE81FC38D934065EA383"));
    }

    [Fact]
    public void Data_is_blowfish_ecb_over_the_zero_padded_plaintext_in_upper_case_hex_with_its_length()
    {
        var (len, data) = PaygateCipher.Encrypt(CapturePlaintext, Docs.BlowfishPassword);

        Assert.Equal(195, len);
        Assert.Equal(CaptureData, data);
        Assert.Equal(("Amount=1".Length, "70EF62787ED45E15"), PaygateCipher.Encrypt("Amount=1", Docs.BlowfishPassword));
    }

    [Fact]
    public void Data_decrypts_in_either_case_and_keeps_only_len_characters()
    {
        Assert.Equal(CapturePlaintext, PaygateCipher.Decrypt(CaptureData.ToLowerInvariant(), 195, Docs.BlowfishPassword));
        Assert.Equal("Amount", PaygateCipher.Decrypt("70EF62787ED45E15", 6, Docs.BlowfishPassword));
    }

    [Theory]
    [InlineData("70EF62787ED45E15", 9)]
    [InlineData("70EF62787ED45E", 6)]
    [InlineData("not hex at all!!", 8)]
    public void Data_that_cannot_be_paygates_is_refused(string data, int len) =>
        Assert.Throws<PaygateMessageException>(() => PaygateCipher.Decrypt(data, len, Docs.BlowfishPassword));

    [Fact]
    public void Non_ascii_text_and_a_password_blowfish_cannot_take_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PaygateCipher.Encrypt("RefNr=Müller", Docs.BlowfishPassword));
        Assert.Throws<ArgumentException>(() => PaygateCipher.Encrypt("Amount=1", "abc"));
        Assert.Equal("A Blowfish password has 4 to 56 ASCII characters.", PaygateCipher.PasswordError(new string('x', 57)));
        Assert.Null(PaygateCipher.PasswordError(Docs.BlowfishPassword));
    }

    [Fact]
    public void A_request_carries_the_merchant_in_the_clear_and_inside_data_with_its_mac()
    {
        var sealedForm = PaygateMessage.Seal(Docs, PaygateFields.Read(CapturePlaintext));

        Assert.Equal([new("MerchantID", "KP_TestShop"), new("Len", "195"), new("Data", CaptureData)], sealedForm);
    }

    [Fact]
    public void Fields_split_at_the_first_equals_sign_and_are_read_in_any_case()
    {
        var fields = PaygateFields.Read("mid=KP_TestShop&ArticleList=eyJhIjoxfQ==&status=OK");

        Assert.Equal(("KP_TestShop", "eyJhIjoxfQ==", "OK"), (fields["MID"], fields["articlelist"], fields["Status"]));
        Assert.Throws<ArgumentException>(() => PaygateFields.Write([new("RefNr", "A&B")]));
    }

    [Fact]
    public void A_notification_is_accepted_only_with_the_merchants_mid_and_a_right_mac()
    {
        const string payId = "0123456789abcdef0123456789abcdef";
        var mac = PaygateMac.OfResult(Docs.HmacKey, payId, "ORD10042", "KP_TestShop", "OK", "00000000");
        IReadOnlyDictionary<string, string> Form(string plaintext)
        {
            var (len, data) = PaygateCipher.Encrypt(plaintext, Docs.BlowfishPassword);
            return new Dictionary<string, string> { ["MerchantID"] = "KP_TestShop", ["Len"] = $"{len}", ["Data"] = data };
        }

        var answer = PaygateMessage.ReadNotification(Docs, Form($"mid=KP_TestShop&PayID={payId}&XID=X1&TransID=ORD10042&Status=OK&Code=00000000&MAC={mac}"));

        Assert.Equal((payId, "X1", PaygateOutcome.Succeeded), (answer.PayId, answer.XId, answer.Outcome));
        Assert.Throws<PaygateMessageException>(() => PaygateMessage.ReadNotification(Docs, Form($"mid=KP_TestShop&PayID={payId}&TransID=ORD10042&Status=OK&Code=00000000&MAC={new string('0', 64)}")));
        Assert.Throws<PaygateMessageException>(() => PaygateMessage.ReadNotification(Docs, Form($"mid=KP_TestShop&PayID={payId}&TransID=ORD10042&Status=OK&Code=00000000")));
        // Data of a failure replayed as a success: the MAC covers status and code.
        Assert.Throws<PaygateMessageException>(() => PaygateMessage.ReadNotification(Docs, Form($"mid=KP_TestShop&PayID={payId}&TransID=ORD10042&Status=FAILED&Code=21000005&MAC={mac}")));
        Assert.Throws<PaygateMessageException>(() => PaygateMessage.ReadNotification(Docs with { MerchantId = "Other" }, Form($"mid=KP_TestShop&PayID={payId}&TransID=ORD10042&Status=OK&Code=00000000&MAC={mac}")));
    }

    [Theory]
    [InlineData("00000000", PaygateOutcome.Succeeded)]
    [InlineData("29990001", PaygateOutcome.Refused)]
    [InlineData("40010002", PaygateOutcome.Refused)]
    [InlineData("69990001", PaygateOutcome.Pending)]
    [InlineData("70000000", PaygateOutcome.Unknown)]
    [InlineData("", PaygateOutcome.Unknown)]
    public void The_first_character_of_the_code_decides_the_outcome(string code, PaygateOutcome outcome) =>
        Assert.Equal(outcome, new PaygateAnswer(PaygateFields.Read($"Status=X&Code={code}")).Outcome);
}
