package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Finding database values in an agent's free-text answer as a person reading it would. */
class AnswerTextTest {

    static boolean names(String answer, Object value) {
        return new AnswerText(answer).names(value);
    }

    @Test
    void numbersMatchAsPeopleWriteThemInDigits() {
        assertThat(names("It costs $12.50.", 12.5)).isTrue();
        assertThat(names("It costs 12.5 dollars", 12.5)).isTrue();
        assertThat(names("Total: $1,234.00", 1234.0)).isTrue();
        assertThat(names("There are 3 left", 3L)).isTrue();
        assertThat(names("There are 30 left", 3L)).isFalse();
        assertThat(names("It costs $112.50", 12.5)).isFalse();
        assertThat(names("items 3,4 and 7", 3L)).as("a comma between list items is not a thousands separator").isTrue();
        assertThat(names("The range is 0.4-4.0.", 4.0)).as("a whole number written with one decimal").isTrue();
        assertThat(names("It took 212.0 minutes", 212L)).isTrue();
        assertThat(names("It costs $12.499", 12.5)).as("not equal to the cent").isFalse();
        assertThat(names("It costs $12.50", 12.499)).as("a stored float rounds to the cent").isTrue();
        assertThat(names("the BLUE mug", "Blue Mug")).isTrue();
        assertThat(names("the red mug", "Blue Mug")).isFalse();
    }

    @Test
    void numbersMatchWrittenInWords() {
        assertThat(names("You have seven bookings.", 7L)).isTrue();
        assertThat(names("You have seventeen bookings.", 7L)).isFalse();
        assertThat(names("It costs eighty-five dollars.", 85.0)).isTrue();
        assertThat(names("It costs eighty five dollars.", 85L)).isTrue();
        assertThat(names("It costs eighty-five dollars and fifty cents.", 85.5)).isTrue();
        assertThat(names("It costs eighty-five dollars and fifty cents.", 85.0)).as("85.50 is not 85").isFalse();
        assertThat(names("It costs 85 dollars and 50 cents.", 85.5)).isTrue();
        assertThat(names("It takes three and a half days.", 3.5)).isTrue();
        assertThat(names("It takes three and a half days.", 3L)).isFalse();
        assertThat(names("The fee is fifty cents.", 0.5)).isTrue();
        assertThat(names("The rate is two point five percent.", 2.5)).isTrue();
        assertThat(names("one hundred twenty rooms", 120L)).isTrue();
        assertThat(names("one hundred and twenty rooms", 120L)).isTrue();
        assertThat(names("twelve hundred miles", 1200L)).isTrue();
        assertThat(names("two thousand and five", 2005L)).isTrue();
        assertThat(names("Rent is $1,250 a month.", 1250L)).isTrue();
        assertThat(names("Rent is one thousand two hundred fifty dollars a month.", 1250L)).isTrue();
        assertThat(names("Rent is one thousand two hundred fifty dollars a month.", 1250.0)).isTrue();
        assertThat(names("No bookings: zero.", 0L)).isTrue();
        assertThat(names("It took ten and a quarter hours.", 10.25)).isTrue();
        assertThat(names("It took two and three quarters hours.", 2.75)).isTrue();
        assertThat(names("It takes 3\u00BD days.", 3.5)).as("a vulgar fraction after digits").isTrue();
        assertThat(names("It takes 3\u00BD days.", 31L)).isFalse();
    }

    @Test
    void textMatchesAsAReaderSeesIt() {
        assertThat(names("Tea\u200Bpot", "Teapot")).as("a zero-width space hides nothing").isTrue();
        assertThat(names("the Blue\n  Mug", "Blue Mug")).isTrue();
        assertThat(names("Liam O\u2019Brien", "Liam O'Brien")).isTrue();
        assertThat(names("\uFF11\uFF12 left", 12L)).as("full-width digits").isTrue();
        assertThat(names("2 Blue Mugs", "Blue Mug")).as("text is a substring match").isTrue();
    }

    @Test
    void otherCandidatesCountOnlyAsWholeWordsWhileExpectedValuesMatchLeniently() {
        assertThat(AnswerMatch.named(new AnswerText("Shopping came first, ahead of another category."), java.util.List.of("shopping", "other"), 1))
                .as("'other' is not named by 'another'").containsExactly(true, false);
        assertThat(AnswerMatch.named(new AnswerText("Your homework room is booked."), java.util.List.of("room", "home"), 1)).containsExactly(true, false);
        assertThat(AnswerMatch.named(new AnswerText("Shopping, then other purchases."), java.util.List.of("shopping", "other"), 1)).containsExactly(true, true);
        assertThat(AnswerMatch.named(new AnswerText("2 Blue Mugs and the Teapots"), java.util.List.of("Blue Mug", "Teapot"), 1))
                .as("a plural still names a candidate").containsExactly(true, true);
    }

    @Test
    void textThatStartsOrEndsWithADigitIsNotFoundInsideALongerToken() {
        assertThat(names("Rent is $1,650 for the 1BR.", "1")).as("a unit named 1").isFalse();
        assertThat(names("It is 1305 sq ft.", "305")).isFalse();
        assertThat(names("unit 12F", "2F")).isFalse();
        assertThat(names("Apt 1A", "Apt 1")).isFalse();
        assertThat(names("Unit 1, on the first floor.", "1")).isTrue();
        assertThat(names("Gate B22.", "B22")).isTrue();
        assertThat(names("card 4417-0021", "4417")).as("a dash separates the groups of a card number").isTrue();
        assertThat(names("Unit 2F's lease", "2F")).isTrue();
    }

    @Test
    void wordsThatOnlyLookLikeNumbersDoNotMatch() {
        assertThat(names("The one you booked is confirmed.", 1L)).as("'the one' is a pronoun").isFalse();
        assertThat(names("Only one booking is confirmed.", 1L)).isTrue();
        assertThat(names("Someone booked it.", 1L)).isFalse();
        assertThat(names("five six", 11L)).as("two numbers side by side do not add up").isFalse();
        assertThat(names("five six", 6L)).isTrue();
        assertThat(names("twenty, five", 25L)).as("a comma ends a number").isFalse();
    }
    @Test
    void aValueNamedOnlyUnderANegationIsNotNamed() {
        assertThat(names("It isn't Logan Greystone 2F.", "Logan Greystone 2F")).isFalse();
        assertThat(names("It's not $85.", 85L)).isFalse();
        assertThat(names("The porch light is no longer offline.", "offline")).isFalse();
        assertThat(names("Neither delayed nor cancelled.", "cancelled")).isFalse();
        assertThat(names("It isn't on time, it is delayed.", "delayed")).as("a comma ends the denying clause").isTrue();
        assertThat(names("It isn't on time, it is delayed.", "on time")).as("a denied candidate is not named").isFalse();
        assertThat(names("No, it's delayed.", "delayed")).isTrue();
        assertThat(names("Not the Kedzie unit but Logan Greystone 2F.", "Logan Greystone 2F")).isTrue();
        assertThat(names("You don't owe anything else: the total is $85.", 85L)).isTrue();
    }

    @Test
    void digitsOfDatesAndClockTimesAreNotNumbers() {
        assertThat(names("Drawn 2026-02-04 at 08:04.", 4L)).isFalse();
        assertThat(names("Your slot is 4:00 PM.", 4L)).isFalse();
        assertThat(names("2:20 PM on 2026-04-20", 20L)).isFalse();
        assertThat(names("on 3/14/2026", 14L)).isFalse();
        assertThat(names("Your copay is $20, on 2026-04-20 at 2:20 PM.", 20L)).isTrue();
        assertThat(names("The range is 0.4-4.0.", 4.0)).as("a range is not a date").isTrue();
        assertThat(names("The visit is on 2026-04-20.", "2026-04-20")).as("a date is still named as text").isTrue();
    }

    @Test
    void lookAlikeLettersOfOtherScriptsReadAsTheLatinOnes() {
        assertThat(names("\u0441ancelled", "cancelled")).as("a Cyrillic es").isTrue();
        assertThat(names("\u0421ANCELLED", "cancelled")).as("a capital Cyrillic es").isTrue();
        assertThat(names("\u039Fn time", "on time")).as("a Greek omicron").isTrue();
    }

    @Test
    void anAnswerThatGuessesIsAHedge() {
        assertThat(new AnswerText("$9,874.05 or maybe $9,847.05").hedge(java.util.List.of())).isEqualTo("maybe");
        assertThat(new AnswerText("Offline, or possibly reachable again.").hedge(java.util.List.of())).isEqualTo("possibly");
        assertThat(new AnswerText("7 days, I think.").hedge(java.util.List.of())).isEqualTo("i think");
        assertThat(new AnswerText("Your net pay was $9,874.05.").hedge(java.util.List.of())).isNull();
        assertThat(new AnswerText("Somewhere between $10.50 and $20.00 in total.").hedge(java.util.List.of())).isEqualTo("somewhere between");
        assertThat(new AnswerText("The Maybelline order shipped.").hedge(java.util.List.of())).as("only whole words").isNull();
        AnswerText title = new AnswerText("Your hold on Maybe Someday is ready.");
        assertThat(title.hedge(title.find("Maybe Someday"))).as("a guess word inside the expected value").isNull();
    }

    static String alternative(String answer, Object... expected) {
        AnswerText text = new AnswerText(answer);
        java.util.List<AnswerText.Span> spans = new java.util.ArrayList<>();
        for (Object v : expected) spans.addAll(text.find(v));
        return text.alternative(spans);
    }

    @Test
    void anOrBesideAnExpectedValueOffersAnAlternative() {
        assertThat(alternative("Logan Greystone 2F or 2R", "Logan Greystone 2F")).isEqualTo("logan greystone 2f or 2r");
        assertThat(alternative("Logan Greystone 2F (listing 3) or listing 13.", "Logan Greystone 2F")).isNotNull();
        assertThat(alternative("$85 or $75", 85L)).isNotNull();
        assertThat(alternative("1358 or 8531", 1358L)).isNotNull();
        assertThat(alternative("Grace Chen, Wei Chen, or the building manager.", "Grace Chen", "Wei Chen")).isNotNull();
        assertThat(alternative("either 2R or Logan Greystone 2F", "Logan Greystone 2F")).isNotNull();
        assertThat(alternative("Pay with your Visa or your Amex.", "Visa", "Amex")).as("a list of expected values").isNull();
        assertThat(alternative("Your card is frozen. Unfreeze it, or would you like a new card?", "frozen")).isNull();
        assertThat(alternative("It is frozen, or do you want it unfrozen?", "frozen")).as("an offer").isNull();
        assertThat(alternative("Cancel or keep it? Your booking is confirmed.", "confirmed")).as("another sentence").isNull();
        assertThat(alternative("You ordered the Black or White Tee.", "Black or White Tee")).as("an 'or' inside the value").isNull();
    }
    @Test
    void aSetOfValuesAgreesWithSameOnEveryPair() {
        java.util.List<Object> values = java.util.List.of(4L, 4.0, 4.001, 4.5, "4", "4.00", "Blue Mug", "blue  MUG", "Mug", 12.5, "12.50", 0L, "");
        for (Object a : values) {
            AnswerText.Sameness set = new AnswerText.Sameness();
            set.add(a);
            for (Object b : values) assertThat(set.contains(b)).as(a + " ~ " + b).isEqualTo(AnswerText.same(a, b));
        }
    }

    @Test
    void plainTextIsReadAsTheFullFoldingReadsIt() {
        java.util.Random random = new java.util.Random(7);
        String alphabet = "aZ9 .,'\"-_$%/\t\n\u00A0\u2019\u2013\u00BD\u0430\u200B";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(8); i > 0; i--) text.append(alphabet.charAt(random.nextInt(random.nextBoolean() ? 8 : alphabet.length())));
            assertThat(AnswerText.normalize(text.toString())).as("\"" + text + "\"").isEqualTo(AnswerText.fold(text.toString()));
        }
        assertThat(AnswerText.normalize("Blue  Mug ")).isEqualTo("blue mug");
        assertThat(AnswerText.normalize("Caf\u00E9 \u201CNoir\u201D")).isEqualTo("caf\u00E9 \"noir\"");
    }
}
