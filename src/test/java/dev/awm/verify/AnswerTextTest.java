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
}
