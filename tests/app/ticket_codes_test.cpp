// Ticket codes: generated ones are long and unambiguous; files are read line by line with
// errors naming the line; short codes get a warning that says how guessable they are.
#include <gtest/gtest.h>

#include <set>

#include "app/ticket_codes.hpp"

namespace boardwalk::app {
namespace {

TEST(TicketCodes, GeneratedCodesAre10UnambiguousCharactersAndAllDifferent) {
  const auto codes = generate_ticket_codes(2000);
  ASSERT_EQ(codes.size(), 2000u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 2000u);
  std::set<char> used;
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 10u) << c;
    EXPECT_EQ(c.find_first_of("0O1Il"), std::string::npos) << c;
    EXPECT_EQ(c.find_first_not_of(ticket_alphabet), std::string::npos) << c;
    used.insert(c.begin(), c.end());
  }
  EXPECT_EQ(used.size(), ticket_alphabet.size()) << "20,000 characters use every symbol";
  EXPECT_FALSE(short_ticket_code_warning(codes));
}

TEST(TicketCodes, AreReadOnePerLineOrFromACsvsFirstColumn) {
  auto codes = read_ticket_codes("# codes\n  A1B2C3D4  \r\n\nQ9W8E7R6,Ada Lovelace\n");
  ASSERT_TRUE(codes) << codes.error().message;
  EXPECT_EQ(*codes, (std::vector<std::string>{"A1B2C3D4", "Q9W8E7R6"}));
}

TEST(TicketCodes, BadLinesAreNamed) {
  const auto message = [](std::string_view text) {
    auto codes = read_ticket_codes(text);
    return codes ? std::string("accepted") : codes.error().message;
  };
  EXPECT_EQ(message("ABCDEFGH\nIJKLMNOP\nABCDEFGH\n"), "line 3: the code 'ABCDEFGH' is listed twice (also on line 1)");
  EXPECT_EQ(message("ABCDEFGH\nAB\x01"
                    "CD\n"),
            "line 2: the code holds a control character");
  EXPECT_EQ(message("\xff\xfe\n"), "line 1: the code is not UTF-8 text");
  EXPECT_EQ(message(std::string(101, 'A')), "line 1: a ticket code is at most 100 characters");
  EXPECT_EQ(message("# nothing\n\n"), "the file holds no ticket codes");
  EXPECT_EQ(message(""), "the file holds no ticket codes");
}

TEST(TicketCodes, ShortCodesGetAWarningSayingHowGuessableTheyAre) {
  const auto warning = short_ticket_code_warning({"1234", "5678", "ABCDEFGHJK"});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("2 of 3 ticket codes are shorter than 8 characters"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("one of about 10,000"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("--generate"), std::string::npos) << *warning;
  const auto letters = short_ticket_code_warning({"Ab3dE6g"});
  ASSERT_TRUE(letters);
  EXPECT_NE(letters->find("one of about 10^12"), std::string::npos) << *letters;
  EXPECT_FALSE(short_ticket_code_warning({"12345678"}));
}

}  // namespace
}  // namespace boardwalk::app
