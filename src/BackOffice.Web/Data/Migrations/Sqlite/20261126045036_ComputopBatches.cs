using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ComputopBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BatchId",
                table: "Operations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ComputopBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    MerchantId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FileText = table.Column<string>(type: "TEXT", nullable: true),
                    ExportedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RecordCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Sum = table.Column<long>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SettledBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComputopBatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ComputopBatches_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Operations_BatchId",
                table: "Operations",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_ComputopBatches_ChannelId_State",
                table: "ComputopBatches",
                columns: new[] { "ChannelId", "State" });

            migrationBuilder.AddForeignKey(
                name: "FK_Operations_ComputopBatches_BatchId",
                table: "Operations",
                column: "BatchId",
                principalTable: "ComputopBatches",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Operations_ComputopBatches_BatchId",
                table: "Operations");

            migrationBuilder.DropTable(
                name: "ComputopBatches");

            migrationBuilder.DropIndex(
                name: "IX_Operations_BatchId",
                table: "Operations");

            migrationBuilder.DropColumn(
                name: "BatchId",
                table: "Operations");
        }
    }
}
