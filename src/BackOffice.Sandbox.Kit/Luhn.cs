namespace BackOffice.Sandbox.Kit;

/// <summary>The check digit of card numbers (ISO/IEC 7812), for the sandboxes that issue cards and those that take them.</summary>
public static class Luhn
{
    /// <summary>The digit that makes <paramref name="digits"/> followed by it a valid number.</summary>
    public static char CheckDigit(string digits) => (char)('0' + (10 - Sum(digits, doubleFirst: true) % 10) % 10);

    public static bool IsValid(string number) => Sum(number, doubleFirst: false) % 10 == 0;

    /// <summary>The digits summed from the right, every second one doubled (its digits summed), the first when <paramref name="doubleFirst"/>.</summary>
    private static int Sum(string digits, bool doubleFirst)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == (doubleFirst ? 0 : 1))
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            sum += digit;
        }
        return sum;
    }
}
