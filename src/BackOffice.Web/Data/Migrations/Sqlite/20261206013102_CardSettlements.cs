using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CardSettlements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CardSettlements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TransactionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyRecordId = table.Column<int>(type: "INTEGER", nullable: false),
                    KlarnaKeyId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OrderId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    MultiUse = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InFlightUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PromiseId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    KlarnaSettlementId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardSettlements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CardSettlements_Transactions_TransactionId",
                        column: x => x.TransactionId,
                        principalTable: "Transactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MarketplaceSellers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ArticlePrefix = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MarketplaceSellers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MarketplaceSellers_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CardCharges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CardSettlementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Seller = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CardReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    CardId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Brand = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastFour = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    ExpiryMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    ExpiryYear = table.Column<int>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    AcquirerPaymentId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CapturedAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    DeclineCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    InFlightUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardCharges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CardCharges_CardSettlements_CardSettlementId",
                        column: x => x.CardSettlementId,
                        principalTable: "CardSettlements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CardCharges_CardSettlementId",
                table: "CardCharges",
                column: "CardSettlementId");

            migrationBuilder.CreateIndex(
                name: "IX_CardSettlements_OnePerOrder",
                table: "CardSettlements",
                column: "TransactionId",
                unique: true,
                filter: "\"State\" <> 'Failed'");

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceSellers_ChannelId_ArticlePrefix",
                table: "MarketplaceSellers",
                columns: new[] { "ChannelId", "ArticlePrefix" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MarketplaceSellers_ChannelId_Name",
                table: "MarketplaceSellers",
                columns: new[] { "ChannelId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CardCharges");

            migrationBuilder.DropTable(
                name: "MarketplaceSellers");

            migrationBuilder.DropTable(
                name: "CardSettlements");
        }
    }
}
