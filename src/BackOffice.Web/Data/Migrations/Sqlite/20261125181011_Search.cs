using BackOffice.Web.Features.Transactions;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Transactions",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_ActiveOperationId",
                table: "Transactions",
                column: "ActiveOperationId");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_AuthorizedAmount",
                table: "Transactions",
                column: "AuthorizedAmount");

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_CreatedAt_Id",
                table: "Transactions",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_OrderNumber",
                table: "Transactions",
                column: "OrderNumber");

            // Existing rows get their folded text: lower() folds ASCII only, the rest is spelled out.
            migrationBuilder.Sql($"UPDATE Transactions SET SearchText = {FoldedSql("OrderNumber || ' ' || Customer_Name || ' ' || Customer_Email")};");

            // The text index: FTS5 with the trigram tokenizer over the folded text, kept by triggers. Its own copy of
            // the id, because the rowid of a table without an integer key may change on VACUUM. Transactions are
            // never deleted and their text never changes, so the triggers' scans by id do not run in practice.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE TransactionSearch USING fts5(Id UNINDEXED, Text, tokenize = 'trigram');");
            migrationBuilder.Sql("INSERT INTO TransactionSearch (Id, Text) SELECT Id, SearchText FROM Transactions;");
            migrationBuilder.Sql("""
                CREATE TRIGGER TransactionSearch_Insert AFTER INSERT ON Transactions BEGIN
                    INSERT INTO TransactionSearch (Id, Text) VALUES (new.Id, new.SearchText);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER TransactionSearch_Update AFTER UPDATE OF SearchText ON Transactions WHEN new.SearchText <> old.SearchText BEGIN
                    DELETE FROM TransactionSearch WHERE Id = old.Id;
                    INSERT INTO TransactionSearch (Id, Text) VALUES (new.Id, new.SearchText);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER TransactionSearch_Delete AFTER DELETE ON Transactions BEGIN
                    DELETE FROM TransactionSearch WHERE Id = old.Id;
                END;
                """);
        }

        /// <summary>SQL for <see cref="SearchFolding.Fold"/> over the letters Klarna's countries write.</summary>
        private static string FoldedSql(string expression)
        {
            var folded = $"lower({expression})";
            foreach (var letter in "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ")
                folded = $"replace({folded}, '{letter}', '{SearchFolding.Fold(letter.ToString())}')";
            return folded;
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER TransactionSearch_Delete;");
            migrationBuilder.Sql("DROP TRIGGER TransactionSearch_Update;");
            migrationBuilder.Sql("DROP TRIGGER TransactionSearch_Insert;");
            migrationBuilder.Sql("DROP TABLE TransactionSearch;");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_ActiveOperationId",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_AuthorizedAmount",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_CreatedAt_Id",
                table: "Transactions");

            migrationBuilder.DropIndex(
                name: "IX_Transactions_OrderNumber",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Transactions");
        }
    }
}
